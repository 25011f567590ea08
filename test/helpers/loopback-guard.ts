import net from "node:net";

/**
 * Loaded before every test file: any TCP connection to an address outside 127.0.0.0/8 (or ::1) fails the test
 * instead of leaving the machine. Host names are resolved first by Node, so the check runs on the final address.
 */
// eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with the socket as `this` (apply below)
const originalConnect = net.Socket.prototype.connect;

function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1" || address === "::ffff:127.0.0.1" || address === "localhost";
}

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string } | number | string;
  const host =
    typeof first === "object" && first !== null
      ? (first.host ?? (first.path ? "localhost" : "localhost"))
      : typeof args[1] === "string"
        ? args[1]
        : "localhost";
  this.once("lookup", (error: Error | null, address: string) => {
    if (!error && !isLoopback(address)) this.destroy(new Error(`test tried to connect to non-loopback address ${address} (${host})`));
  });
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) && !isLoopback(host)) {
    throw new Error(`test tried to connect to non-loopback address ${host}`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
};
