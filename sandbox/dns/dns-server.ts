import { createSocket, Socket as UdpSocket } from "node:dgram";
import { createServer, Server, Socket } from "node:net";
import * as dnsPacket from "dns-packet";
import type { ResourceStore } from "../arm/store";
import { resolveInVnet } from "./vnet-resolver";

export interface SandboxDns {
  /** "127.0.0.1:PORT", the form `--dns-server` takes. */
  address: string;
  port: number;
  /** The VNet whose view of DNS the server answers with. */
  vnetId: string | undefined;
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;

/** Encodes the answer to one query (wire format by dns-packet); undefined for a packet that is not a query. */
export function answerQuery(store: ResourceStore, vnetId: string | undefined, message: Buffer): Buffer | undefined {
  let query: dnsPacket.DecodedPacket;
  try {
    query = dnsPacket.decode(message);
  } catch {
    return undefined;
  }
  if (query.type !== "query") return undefined;
  const question = query.questions?.[0];
  const base = { type: "response" as const, id: query.id, questions: query.questions };
  // Recursion desired is echoed and available is set: Azure DNS is a recursive resolver for the VNet.
  const flags = dnsPacket.RECURSION_AVAILABLE | (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0);
  if (!question || (question.class && question.class !== "IN")) return dnsPacket.encode({ ...base, flags: flags | RCODE.NOTIMP });
  const lookup = resolveInVnet(store, vnetId, question.name, question.type);
  const answers = lookup.answers.map((a) => ({ type: a.type, name: a.name, ttl: a.ttl, class: "IN" as const, data: a.data }));
  return dnsPacket.encode({ ...base, flags: flags | RCODE[lookup.rcode], answers });
}

function serveTcp(socket: Socket, answer: (message: Buffer) => Buffer | undefined): void {
  let buffered = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
      const length = buffered.readUInt16BE(0);
      const response = answer(buffered.subarray(2, 2 + length));
      buffered = buffered.subarray(2 + length);
      if (response) socket.write(Buffer.concat([Buffer.from([response.length >> 8, response.length & 0xff]), response]));
    }
  });
  socket.on("error", () => socket.destroy());
  socket.setTimeout(30_000, () => socket.destroy());
}

function listenUdp(port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const udp = createSocket("udp4");
    udp.once("error", reject);
    udp.bind(port, "127.0.0.1", () => {
      udp.off("error", reject);
      resolve(udp);
    });
  });
}

function listenTcp(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const tcp = createServer();
    tcp.once("error", reject);
    tcp.listen(port, "127.0.0.1", () => {
      tcp.off("error", reject);
      resolve(tcp);
    });
  });
}

/**
 * DNS on 127.0.0.1 (UDP and TCP on one port) answering as Azure DNS answers inside `vnetId` (see vnet-resolver.ts),
 * so `amlvnet check --probe --dns-server 127.0.0.1:PORT` resolves the workspace's names as an agent in that VNet would.
 */
export async function startSandboxDns(store: ResourceStore, vnetId: string | undefined, port = 0): Promise<SandboxDns> {
  const answer = (message: Buffer) => answerQuery(store, vnetId, message);
  // UDP first (any free port), then TCP on the same number; another process may hold it for TCP: try again.
  for (let attempt = 0; ; attempt++) {
    const udp = await listenUdp(port);
    const udpPort = udp.address().port;
    let tcp: Server;
    try {
      tcp = await listenTcp(udpPort);
    } catch (error) {
      udp.close();
      if (port !== 0 || attempt >= 5) throw error;
      continue;
    }
    udp.on("message", (message, remote) => {
      const response = answer(message);
      if (response) udp.send(response, remote.port, remote.address);
    });
    udp.on("error", () => undefined);
    const sockets = new Set<Socket>();
    tcp.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      serveTcp(socket, answer);
    });
    return {
      address: `127.0.0.1:${udpPort}`,
      port: udpPort,
      vnetId,
      close: async () => {
        for (const socket of sockets) socket.destroy();
        await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
      },
    };
  }
}
