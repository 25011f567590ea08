// @ts-check
// Preloaded (node --require) into processes the benchmarks start: any TCP connection to an address outside
// 127.0.0.0/8 or ::1 is refused before it leaves the machine, so a benchmark never reaches Azure by accident.
"use strict";
const net = require("node:net");

const originalConnect = net.Socket.prototype.connect;
const isLoopback = (address) => /^127\./.test(address) || address === "::1" || address === "::ffff:127.0.0.1" || address === "localhost";

net.Socket.prototype.connect = function connectLoopbackOnly(...args) {
  const first = args[0];
  const host = typeof first === "object" && first !== null ? (first.host ?? "localhost") : typeof args[1] === "string" ? args[1] : "localhost";
  const isPipe = typeof first === "object" && first !== null && typeof first.path === "string";
  if (!isPipe && /^[\d.]+$|:/.test(host) && !isLoopback(host)) {
    throw new Error(`benchmark process tried to connect to non-loopback address ${host}`);
  }
  this.once("lookup", (error, address) => {
    if (!error && !isLoopback(address)) this.destroy(new Error(`benchmark process tried to connect to ${address} (${host})`));
  });
  return originalConnect.apply(this, /** @type {any} */ (args));
};
