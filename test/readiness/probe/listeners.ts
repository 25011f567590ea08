import net from "node:net";

export interface LoopbackListener {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** A TCP server on `host:0` that accepts and drops connections. */
export function listen(host: string): Promise<LoopbackListener> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ host, port, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

/** A loopback port nothing listens on: bound, read, then released. */
export async function closedPort(host = "127.0.0.1"): Promise<number> {
  const listener = await listen(host);
  await listener.close();
  return listener.port;
}

/** Whether this machine lets a server bind 127.0.0.2 (Linux does; some containers and macOS do not). */
export async function canBind(host: string): Promise<boolean> {
  try {
    await (await listen(host)).close();
    return true;
  } catch {
    return false;
  }
}
