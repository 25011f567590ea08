import { createServer, type Server, type Socket } from "node:net";
import { json, type Handler } from "../http/message";
import type { ResourceStore } from "../arm/store";
import { NIC } from "../arm/types/address-allocation";
import { nicIpConfigurations } from "../arm/types/network-interface";
import { asObject, asString, propertiesOf, refIdOf } from "../arm/types/wire";

export const STAND_INS_PATH = "/_sandbox/private-endpoint-listeners";

/** One private endpoint address and port, and the loopback listener that stands in for the service behind it. */
export interface StandIn {
  /** The private endpoint's IP and the service port, as an agent in the VNet would connect: 10.10.2.7, 443. */
  ip: string;
  port: number;
  /** Where the connection really goes: 127.0.0.1 and the listener's port. */
  host: string;
  listenPort: number;
  privateEndpointId: string;
  groupId: string;
}

/** The ports a service answers on behind its private endpoint: HTTPS, and SMB for Azure Files. */
function servicePorts(groupId: string): number[] {
  return groupId.toLowerCase() === "file" ? [443, 445] : [443];
}

/**
 * Loopback listeners standing in for the services behind the private endpoints: the sandbox never has 10.x
 * addresses to answer on, so each private endpoint IP:port gets a listener on 127.0.0.1 that accepts a TCP connection
 * and closes it (what a TCP probe needs). The map is published at {@link STAND_INS_PATH}; a probe run from a test or
 * the demo maps each private IP:port to its listener (readiness/probe/tcp.ts `ConnectTo`). The listeners stand for
 * the services, not for the network path: they accept whatever the VNets, peerings and NSGs say (the check's
 * ARM reading judges those). Listeners are opened when asked for the map, and closed when their endpoint is gone.
 */
export class EndpointStandIns {
  private readonly listeners = new Map<string, { server: Server; standIn: StandIn }>();
  private readonly sockets = new Set<Socket>();
  /** Calls run one after another, so two requests never open two listeners for one address. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: ResourceStore) {}

  /** The private endpoints' addresses now in the store, each with its listener (opened on first need). */
  standIns(): Promise<StandIn[]> {
    const next = this.queue.then(() => this.reconcile());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async reconcile(): Promise<StandIn[]> {
    const wanted = new Map<string, Omit<StandIn, "host" | "listenPort">>();
    for (const nic of this.store.resources().filter((r) => r.type === NIC)) {
      const privateEndpointId = refIdOf(propertiesOf(nic.body).privateEndpoint);
      if (!privateEndpointId) continue;
      for (const ipc of nicIpConfigurations(nic)) {
        const ip = ipc.properties.privateIPAddress;
        const groupId = asString(asObject(ipc.properties.privateLinkConnectionProperties).groupId) ?? "";
        if (!ip) continue;
        for (const port of servicePorts(groupId)) wanted.set(`${ip}:${port}`, { ip, port, privateEndpointId, groupId });
      }
    }
    for (const [key, entry] of this.listeners) {
      if (wanted.has(key)) continue;
      this.listeners.delete(key);
      entry.server.close();
    }
    for (const [key, target] of wanted) {
      if (this.listeners.has(key)) continue;
      const server = await this.listen();
      this.listeners.set(key, { server, standIn: { ...target, host: "127.0.0.1", listenPort: (server.address() as { port: number }).port } });
    }
    return [...this.listeners.values()].map((entry) => entry.standIn);
  }

  /** GET {origin}/_sandbox/private-endpoint-listeners → {"listeners": [{ip, port, host, listenPort, privateEndpointId, groupId}]}. */
  handler(): Handler {
    return async (req) => {
      if (req.url.pathname !== STAND_INS_PATH) return undefined;
      if (req.method !== "GET") return json(405, { error: { code: "MethodNotAllowed", message: `only GET ${STAND_INS_PATH}` } });
      return json(200, { listeners: await this.standIns() });
    };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([...this.listeners.values()].map((entry) => new Promise<void>((done) => entry.server.close(() => done()))));
    this.listeners.clear();
  }

  private listen(): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => socket.destroy());
        socket.end();
      });
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve(server);
      });
    });
  }
}
