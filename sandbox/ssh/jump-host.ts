import { connect } from "node:net";
import type { AcceptConnection, RejectConnection, TcpipRequestInfo } from "ssh2";
import type { HostKey } from "./host-key";
import { LoopbackSshServer } from "./loopback-server";
import { offersAuthorizedKey } from "./public-key-auth";

/**
 * The hub's jump VM: `publickey` login with any key some sandbox VM authorizes, and nothing but `direct-tcpip`
 * (ssh -J, ssh2's forwardOut) to `<a sandbox VM's private IP>:22`, which it pipes to that VM's loopback SSH
 * server. Sessions, remote forwarding and every other destination are refused; it connects to 127.0.0.1 only.
 */

export interface JumpHostOptions {
  hostKey: HostKey;
  authorizedKeys(): string[];
  /** The loopback port of the SSH server behind `address:port`, or undefined when nothing may be reached there. */
  route(address: string, port: number): Promise<number | undefined>;
}

async function forward(accept: AcceptConnection, reject: RejectConnection, info: TcpipRequestInfo, options: JumpHostOptions): Promise<void> {
  const port = await options.route(info.destIP, info.destPort).catch(() => undefined);
  if (port === undefined) return reject();
  const socket = connect({ host: "127.0.0.1", port });
  socket.once("error", () => reject());
  socket.once("connect", () => {
    socket.removeAllListeners("error");
    const channel = accept();
    socket.on("error", () => channel.destroy());
    channel.on("error", () => socket.destroy());
    channel.on("close", () => socket.destroy());
    channel.pipe(socket).pipe(channel);
  });
}

export function startJumpHost(options: JumpHostOptions): LoopbackSshServer {
  return new LoopbackSshServer(options.hostKey, (connection) => {
    connection.on("authentication", (ctx) => {
      if (ctx.method === "publickey" && offersAuthorizedKey(ctx, options.authorizedKeys())) ctx.accept();
      else ctx.reject(["publickey"]);
    });
    connection.on("ready", () => {
      connection.on("tcpip", (accept, reject, info) => void forward(accept, reject, info, options));
    });
  });
}
