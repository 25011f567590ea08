import type { AddressInfo } from "node:net";
import { Connection, Server } from "ssh2";
import type { HostKey } from "./host-key";

/**
 * An ssh2 Server on 127.0.0.1 at an ephemeral port with one host key. `close` stops listening and ends every
 * connection it holds. Protocol errors of a connection end that connection only.
 */
export class LoopbackSshServer {
  readonly port: Promise<number>;
  private readonly server: Server;
  private readonly connections = new Set<Connection>();

  constructor(hostKey: HostKey, serve: (connection: Connection) => void) {
    this.server = new Server({ hostKeys: [hostKey.privateKey] }, (connection) => {
      this.connections.add(connection);
      connection.on("error", () => connection.end());
      connection.on("close", () => this.connections.delete(connection));
      serve(connection);
    });
    this.port = new Promise((resolve, reject) => {
      // Only a failed listen matters: once it listens, a rejection is a no-op.
      this.server.on("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve((this.server.address() as AddressInfo).port));
    });
    // Awaited by whoever connects; a failed listen must not also be an unhandled rejection.
    this.port.catch(() => undefined);
  }

  close(): Promise<void> {
    for (const connection of this.connections) connection.end();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
