import type { ProvisionContext } from "./context";
import { isOwned } from "./ownership";
import { AGENT_EXTENSION_NAME } from "./resource-ids";
import { getOrUndefined, listOrEmpty } from "./steps/step";

export interface AgentStatusRow {
  agent: string;
  /** online | offline | not registered */
  status: string;
  /** The VM (or scale set instance) the agent runs on, when amlvnet knows it. */
  vm?: string;
  vmState?: string;
  extensionState?: string;
}

export interface PoolStatus {
  pool?: { name: string; id: number; url: string; mode: "vms" | "scaleset" };
  agents: AgentStatusRow[];
}

/** status: the pool, each agent's state and the VM behind it (read-only). */
export async function readStatus(ctx: ProvisionContext): Promise<PoolStatus> {
  const { config, clients, ids } = ctx;
  const pool = await ctx.devops.findPool(config.pool.name);
  const agents = pool ? await ctx.devops.listAgents(pool.id) : [];
  const rows = new Map<string, AgentStatusRow>();
  for (const agent of agents) rows.set(agent.name.toLowerCase(), { agent: agent.name, status: agent.enabled ? agent.status : `${agent.status}, disabled` });
  if (config.pool.mode === "vms") {
    const vms = (await listOrEmpty(() => clients.compute.virtualMachines.list(config.resourceGroup), `the VMs of ${config.resourceGroup}`)).filter(
      (vm) => isOwned(vm.tags, config.pool.name) && vm.name,
    );
    await Promise.all(
      vms.map(async (vm) => {
        const name = vm.name as string;
        const extension = await getOrUndefined(
          () => clients.compute.virtualMachineExtensions.get(config.resourceGroup, name, AGENT_EXTENSION_NAME),
          `the agent extension of ${name}`,
        );
        const row = rows.get(name.toLowerCase()) ?? { agent: name, status: "not registered" };
        rows.set(name.toLowerCase(), { ...row, vm: name, vmState: vm.provisioningState, extensionState: extension?.provisioningState ?? "missing" });
      }),
    );
  } else {
    const instances = await listOrEmpty(
      () => clients.compute.virtualMachineScaleSetVMs.list(config.resourceGroup, ids.scaleSetName),
      `the instances of ${ids.scaleSetName}`,
    );
    for (const instance of instances) {
      const name = instance.osProfile?.computerName ?? instance.name ?? "";
      const row = rows.get(name.toLowerCase()) ?? { agent: name, status: "not registered" };
      rows.set(name.toLowerCase(), { ...row, vm: `${ids.scaleSetName}/${instance.instanceId}`, vmState: instance.provisioningState });
    }
  }
  return {
    pool: pool
      ? { name: pool.name, id: pool.id, url: `${ctx.devops.organizationUrl}/_settings/agentpools?poolId=${pool.id}`, mode: pool.isElastic ? "scaleset" : "vms" }
      : undefined,
    agents: [...rows.values()].sort((a, b) => a.agent.localeCompare(b.agent, "en", { numeric: true })),
  };
}

export function renderStatus(status: PoolStatus, poolName: string): string {
  if (!status.pool) return `pool ${poolName}: not found (run amlvnet apply)\n`;
  const online = status.agents.filter((a) => a.status === "online").length;
  const lines = [`pool ${status.pool.name} (id ${status.pool.id}, ${status.pool.mode}): ${status.agents.length} agents, ${online} online — ${status.pool.url}`];
  for (const row of status.agents) {
    const vm = row.vm
      ? `  VM ${row.vm} ${row.vmState ?? ""}${row.extensionState ? `, agent extension ${row.extensionState}` : ""}`
      : "  (no VM managed by amlvnet)";
    lines.push(`  ${row.agent.padEnd(24)} ${row.status.padEnd(16)}${vm}`);
  }
  return lines.join("\n") + "\n";
}
