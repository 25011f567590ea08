import type { Client } from "ssh2";
import { fetchThroughPipeline } from "../../azure/proxied-fetch";
import { sleep } from "../concurrency";
import type { AgentMachine, ProvisionContext } from "../context";
import type { AgentInfo } from "../devops/devops-pools";
import { firstLine, ProvisionerInputError, StepError } from "../errors";
import { act, getOrUndefined } from "../steps/step";
import type { AgentBootstrap } from "./agent-bootstrap";
import { shellQuote, sshCommand } from "./agent-script";
import { machineAgentScript } from "./machine-script";
import { hostKeysInSerialLog } from "./ssh/host-keys";
import { connect, exec, forward, SshEndpoint, SshError } from "./ssh/ssh-connection";

const HOST_KEY_WAIT_MS = 5 * 60_000;
const SAS_MINUTES = 5;

/**
 * bootstrap: ssh — the agent script over SSH through a jump host (a jump VM, or a Bastion native-client tunnel),
 * as the VM's admin user, with sudo for the service. Host keys are pinned: the jump host's from the config, each
 * VM's from its boot diagnostics serial log. The PAT is the first line on the command's stdin. A VM whose agent is
 * already online in the pool is left alone, so a second apply connects to nothing.
 */
export class SshBootstrap implements AgentBootstrap {
  readonly kind = "ssh" as const;
  private agents: Promise<AgentInfo[]> | undefined;

  async preflight(ctx: ProvisionContext): Promise<void> {
    if (ctx.config.pool.mode !== "vms" || ctx.mode !== "apply") return;
    // Before anything is written: the jump host answers with the pinned key and takes ours.
    try {
      const jump = await connect(this.jumpEndpoint(ctx), this.ssh(ctx).privateKey);
      jump.end();
    } catch (error) {
      if (error instanceof SshError) throw new ProvisionerInputError(`ssh.jumpHost: ${error.message}`);
      throw error;
    }
  }

  async ensure(ctx: ProvisionContext, machine: AgentMachine): Promise<void> {
    const agent = (await this.registeredAgents(ctx)).find((a) => a.name.toLowerCase() === machine.agentName.toLowerCase());
    const change = { step: "agent-software", kind: "agent software", name: `${machine.vmName} (ssh)`, id: machine.vmId };
    if (agent?.status === "online") return act(ctx, { ...change, action: "no-op" }, async () => undefined);
    const { host, port } = this.ssh(ctx).jumpHost;
    const detail = `over SSH through ${host}:${port}: download, config.sh --unattended, svc.sh install${agent ? ` (agent is ${agent.status})` : ""}`;
    await act(ctx, { ...change, action: agent ? "update" : "create", detail }, () => this.install(ctx, machine));
  }

  /** The pool's agents, read once for all the machines (the devops-pool step found or created the pool). */
  private registeredAgents(ctx: ProvisionContext): Promise<AgentInfo[]> {
    const pool = ctx.pool;
    this.agents ??= pool ? ctx.devops.listAgents(pool.id) : Promise.resolve([]);
    return this.agents;
  }

  private ssh(ctx: ProvisionContext) {
    if (!ctx.config.ssh) throw new ProvisionerInputError("bootstrap: ssh needs the ssh section (jumpHost, jumpHostKey)");
    return ctx.config.ssh;
  }

  private jumpEndpoint(ctx: ProvisionContext): SshEndpoint {
    const ssh = this.ssh(ctx);
    const where = `${ssh.jumpHost.host}:${ssh.jumpHost.port}`;
    return { ...ssh.jumpHost, user: ssh.jumpUser, hostKey: ssh.jumpHostKey, label: `the jump host ${where}`, keySource: "ssh.jumpHostKey" };
  }

  private async install(ctx: ProvisionContext, machine: AgentMachine): Promise<void> {
    const { config } = ctx;
    const ssh = this.ssh(ctx);
    const fail = (message: string) => new StepError("agent-software", `${machine.vmName}: ${message}`);
    const [hostKey, address] = await Promise.all([this.hostKeyOf(ctx, machine), this.privateIpOf(ctx, machine)]);
    const script = machineAgentScript(ctx, machine);
    let jump: Client | undefined;
    let vm: Client | undefined;
    try {
      jump = await connect(this.jumpEndpoint(ctx), ssh.privateKey);
      const tunnel = await forward(jump, address, 22, machine.vmName);
      const end: SshEndpoint = {
        host: address,
        port: 22,
        user: config.vm.adminUser,
        hostKey,
        label: machine.vmName,
        keySource: "the host key in its boot diagnostics",
      };
      vm = await connect(end, ssh.privateKey, tunnel);
      // The admin user runs the script through sudo (as the Custom Script extension runs it as root); -S reads
      // nothing here, the PAT stays on the script's fd 3, which sudo passes on.
      const outcome = await exec(vm, `sudo -n bash -c ${shellQuote(sshCommand(script))}`, `${ctx.pat}\n`, ctx.signal);
      if (outcome.code !== 0) {
        const why = outcome.code === undefined ? `was killed (${outcome.signal ?? "no exit status"})` : `exited ${outcome.code}`;
        const output = (outcome.stderrTail.trim() || outcome.stdoutTail.trim()).split("\n").slice(-3).join(" | ");
        throw fail(`the agent script ${why}: ${output || "no output"}; run apply again once fixed`);
      }
    } catch (error) {
      if (error instanceof SshError) throw fail(error.message);
      throw error;
    } finally {
      vm?.end();
      jump?.end();
    }
  }

  /** The VM's host key from its serial console, waiting while the VM is still booting (no key printed yet). */
  private async hostKeyOf(ctx: ProvisionContext, machine: AgentMachine): Promise<string> {
    const { config, clients } = ctx;
    const deadline = Date.now() + HOST_KEY_WAIT_MS;
    for (;;) {
      let log = "";
      try {
        const data = await clients.compute.virtualMachines.retrieveBootDiagnosticsData(config.resourceGroup, machine.vmName, {
          sasUriExpirationTimeInMinutes: SAS_MINUTES,
          abortSignal: ctx.signal,
        });
        if (data.serialConsoleLogBlobUri) {
          const response = await fetchThroughPipeline(data.serialConsoleLogBlobUri, { signal: ctx.signal });
          if (response.ok) log = await response.text();
        }
      } catch (error) {
        throw new StepError(
          "agent-software",
          `${machine.vmName}: cannot read its boot diagnostics to learn its SSH host key (${firstLine(error)}); boot diagnostics must be on and you need Microsoft.Compute/virtualMachines/retrieveBootDiagnosticsData/action`,
        );
      }
      const [key] = hostKeysInSerialLog(log);
      if (key) return key;
      if (Date.now() > deadline) {
        throw new StepError(
          "agent-software",
          `${machine.vmName}: its serial console shows no SSH host key after ${HOST_KEY_WAIT_MS / 60_000} minutes (cloud-init prints it at first boot); look at az vm boot-diagnostics get-boot-log -g ${config.resourceGroup} -n ${machine.vmName}`,
        );
      }
      await sleep(Math.min(ctx.options.pollIntervalMs, 5000), ctx.signal);
    }
  }

  private async privateIpOf(ctx: ProvisionContext, machine: AgentMachine): Promise<string> {
    const { config, clients, ids } = ctx;
    const nic = await getOrUndefined(
      () => clients.network.networkInterfaces.get(config.resourceGroup, ids.nicName(machine.vmName)),
      `NIC of ${machine.vmName}`,
    );
    const address = nic?.ipConfigurations?.find((c) => c.primary ?? true)?.privateIPAddress;
    if (!address) throw new StepError("agent-software", `${machine.vmName}: its NIC ${ids.nicName(machine.vmName)} has no private IP yet; run apply again`);
    return address;
  }
}
