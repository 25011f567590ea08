import { propertiesOf } from "../arm/types/wire";
import type { ResourceStore } from "../arm/store";
import type { AdminCommand } from "../vm-agent/admin-command";
import type { VmTarget } from "../vm-agent/vm-files";
import type { RunningProcess } from "../vm-agent/vm-process";
import { generateHostKey, HostKey } from "./host-key";
import { startJumpHost } from "./jump-host";
import type { LoopbackSshServer } from "./loopback-server";
import { allMachines, Machine, machineAt, machineById } from "./machines";
import { startVmSshServer } from "./vm-ssh-server";

/**
 * SSH into the sandbox's VMs when they run for real (runExtensions): each VM and scale-set instance gets its own
 * SSH server with its own ed25519 host key once it has provisioningState Succeeded (started when first needed: a
 * connection through the jump host, its boot diagnostics, `vmServer`), until it is deleted; and one jump host per
 * sandbox forwards to them by private IP. All listen on 127.0.0.1 only.
 */

/** Where a client connects, and the host key it pins ("ssh-ed25519 AAAA..."). */
export interface SshEndpoint {
  host: "127.0.0.1";
  port: number;
  hostKey: string;
}

/** A VM's SSH server: what its serial console shows (host key, boot time) and where it listens. */
export interface VmSshHost {
  hostKey: HostKey;
  bootedAt: Date;
  server: LoopbackSshServer;
}

export interface SshDependencies {
  store: ResourceStore;
  runAsAdmin(target: VmTarget, command: AdminCommand): RunningProcess;
}

export class SandboxSsh {
  private readonly hosts = new Map<string, VmSshHost>();
  private readonly jumpKey = generateHostKey();
  private jump: LoopbackSshServer | undefined;
  private jumpPort = 0;
  /** Keys the jump VM authorizes besides the VMs' own: its admin set them up when they built it. */
  private readonly jumpKeys = new Set<string>();

  constructor(private readonly deps: SshDependencies) {}

  async start(): Promise<void> {
    const store = this.deps.store;
    this.jump = startJumpHost({
      hostKey: this.jumpKey,
      authorizedKeys: () => [...this.jumpKeys, ...allMachines(store).flatMap((m) => m.authorizedKeys)],
      route: (address, port) => this.route(address, port),
    });
    this.jumpPort = await this.jump.port;
  }

  /** Lets `publicKey` ("ssh-ed25519 AAAA...") log in to the jump host, as a key in the jump VM's authorized_keys. */
  authorizeOnJumpHost(publicKey: string): void {
    this.jumpKeys.add(publicKey.trim());
  }

  /** The jump host: 127.0.0.1:port and its host key. */
  get jumpHost(): SshEndpoint {
    return { host: "127.0.0.1", port: this.jumpPort, hostKey: this.jumpKey.publicKey };
  }

  /** The VM's (or instance's) own SSH server; undefined while it has not reached provisioningState Succeeded. */
  async vmServer(vmId: string): Promise<SshEndpoint | undefined> {
    const machine = machineById(this.deps.store, vmId);
    const host = machine && this.hostOf(machine);
    return host ? { host: "127.0.0.1", port: await host.server.port, hostKey: host.hostKey.publicKey } : undefined;
  }

  /** What the machine's serial console shows of its boot: since when its SSH server runs, with which host key. */
  bootOf(machine: Machine): { at: Date; hostKey: HostKey } | undefined {
    const host = this.hostOf(machine);
    return host && { at: host.bootedAt, hostKey: host.hostKey };
  }

  /** The machine's SSH server, started the first time it is asked for once the machine has Succeeded. */
  hostOf(machine: Machine): VmSshHost | undefined {
    const key = machine.resource.id.toLowerCase();
    const existing = this.hosts.get(key);
    if (existing) return existing;
    if (propertiesOf(machine.resource.body).provisioningState !== "Succeeded") return undefined;
    const hostKey = generateHostKey();
    const id = machine.resource.id;
    const server = startVmSshServer({
      hostKey,
      machine: () => machineById(this.deps.store, id),
      runAsAdmin: (target, command) => this.deps.runAsAdmin(target, command),
    });
    const host = { hostKey, bootedAt: new Date(), server };
    this.hosts.set(key, host);
    return host;
  }

  /** The VM or instance is deleted: its server stops (ending its sessions) and its host key is gone. */
  forget(vmId: string): void {
    const host = this.hosts.get(vmId.toLowerCase());
    this.hosts.delete(vmId.toLowerCase());
    void host?.server.close();
  }

  async close(): Promise<void> {
    const servers = [...this.hosts.values()].map((h) => h.server);
    this.hosts.clear();
    await Promise.all([...servers, ...(this.jump ? [this.jump] : [])].map((s) => s.close()));
  }

  private async route(address: string, port: number): Promise<number | undefined> {
    if (port !== 22) return undefined;
    const machine = machineAt(this.deps.store, address);
    const host = machine && this.hostOf(machine);
    return host ? host.server.port : undefined;
  }
}
