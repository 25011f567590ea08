import { createServer, IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";

// `proxy` 4 is an ES module whose types need moduleResolution node16; Node 20.19+ requires it from CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createProxy } = require("proxy") as {
  createProxy: (server: Server) => Server & { localAddress?: string; authenticate?(req: IncomingMessage): boolean };
};

/**
 * An HTTP CONNECT proxy on 127.0.0.1 (the `proxy` package) whose outgoing connections leave from 127.0.0.2, so a
 * server can tell proxied connections (from 127.0.0.2) from direct ones (from 127.0.0.1). It records the targets
 * it was asked to tunnel to and, when credentials are set, refuses requests without them (407).
 */
export interface ConnectProxy {
  url: string;
  /** host:port of every CONNECT, in order. */
  targets: string[];
  close(): Promise<void>;
}

export const PROXIED_FROM = "127.0.0.2";

export async function startConnectProxy(credentials?: { username: string; password: string }): Promise<ConnectProxy> {
  const targets: string[] = [];
  const server = createProxy(createServer());
  server.localAddress = PROXIED_FROM;
  if (credentials) {
    const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
    server.authenticate = (req) => req.headers["proxy-authorization"] === expected;
  }
  server.prependListener("connect", (req) => targets.push(req.url ?? ""));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    targets,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
