import { sleep } from "../concurrency";
import type { ProvisionContext } from "../context";
import type { AgentInfo } from "../devops/devops-pools";
import { AgentsOfflineError, StepError } from "../errors";
import { AGENT_EXTENSION_NAME } from "../resource-ids";
import { getOrUndefined, Step } from "./step";
import { AgentTally, tallyAgents, tallyLine } from "./agents-tally";

/**
 * The agent extension's state and the last line of its output, as its instance view shows them (vms mode). A 404
 * (not created yet) is "no state"; 403 and server errors are not swallowed: they end the wait with their cause.
 */
async function extensionState(ctx: ProvisionContext, vmName: string): Promise<{ state?: string; message?: string }> {
  const extension = await getOrUndefined(
    () => ctx.clients.compute.virtualMachineExtensions.get(ctx.config.resourceGroup, vmName, AGENT_EXTENSION_NAME, { expand: "instanceView" }),
    `the agent extension of ${vmName}`,
  );
  const statuses = [...(extension?.instanceView?.substatuses ?? []), ...(extension?.instanceView?.statuses ?? [])];
  const message = statuses.map((s) => s.message ?? "").find((m) => m.trim() !== "");
  return { state: extension?.provisioningState, message: message?.trim().split("\n").slice(-1)[0] };
}

function whereToLook(ctx: ProvisionContext, vmName: string | undefined, poolId: number): string {
  const pool = `${ctx.devops.organizationUrl}/_settings/agentpools?poolId=${poolId}`;
  if (ctx.config.pool.mode === "scaleset" || !vmName) return `look at the scale set pool's diagnostics at ${pool}`;
  return `look at the VM's extension instance view (az vm extension show -g ${ctx.config.resourceGroup} --vm-name ${vmName} -n ${AGENT_EXTENSION_NAME} --instance-view; the script's output is in its substatuses) and at ${pool}`;
}

function describeMissing(missing: string[], byName: Map<string, AgentInfo>): string {
  return missing.map((name) => `${name} (${byName.has(name.toLowerCase()) ? byName.get(name.toLowerCase())?.status : "not registered"})`).join(", ");
}

/**
 * Step 7b: waits until every agent shows online in the pool. It prints a tally (online, registered but offline,
 * not registered, the slowest machine and its extension state, elapsed of the timeout) whenever it changes and at
 * least every `progressIntervalMs`. A VM whose agent extension failed ends the wait at once; otherwise the timeout
 * names the missing agents and where to look.
 */
export const agentsOnlineStep: Step = {
  name: "agents-online",
  async apply(ctx) {
    if (ctx.mode !== "apply") return;
    const poolName = ctx.config.pool.name;
    const pool = ctx.pool ?? (await ctx.devops.findPool(poolName));
    if (!pool) throw new StepError(this.name, `agent pool ${poolName} was not found in ${ctx.devops.organizationUrl}`);
    const expected = ctx.agents.map((a) => a.agentName);
    const byAgent = new Map(ctx.agents.map((a) => [a.agentName.toLowerCase(), a.vmName]));
    const started = Date.now();
    const deadline = started + ctx.options.onlineTimeoutMs;
    let lastTally: AgentTally | undefined;
    let lastPrinted = 0;
    for (;;) {
      const agents = await ctx.devops.listAgents(pool.id);
      const byName = new Map(agents.map((a) => [a.name.toLowerCase(), a]));
      const missing = expected.filter((name) => byName.get(name.toLowerCase())?.status !== "online");
      const states = new Map<string, { state?: string; message?: string }>();
      if (ctx.config.pool.mode === "vms") {
        for (const name of missing) {
          const vmName = byAgent.get(name.toLowerCase()) as string;
          const state = await extensionState(ctx, vmName);
          if (state.state === "Failed") {
            throw new AgentsOfflineError(
              missing,
              `the agent extension of ${vmName} failed${state.message ? `: ${state.message}` : ""}; ${whereToLook(ctx, vmName, pool.id)}; then run apply again`,
            );
          }
          states.set(name.toLowerCase(), state);
        }
      }
      const tally = tallyAgents(expected, byName, states);
      const now = Date.now();
      const changed = !lastTally || tally.key !== lastTally.key;
      if (changed || now - lastPrinted >= ctx.options.progressIntervalMs) {
        ctx.progress(tallyLine(poolName, tally, now - started, ctx.options.onlineTimeoutMs));
        lastPrinted = now;
      }
      lastTally = tally;
      if (missing.length === 0) return;
      const remaining = deadline - now;
      if (remaining <= 0) {
        const first = byAgent.get(missing[0].toLowerCase());
        const hint = first && ctx.config.pool.mode === "vms" ? states.get(missing[0].toLowerCase())?.message : undefined;
        throw new AgentsOfflineError(
          missing,
          `${missing.length} of ${expected.length} agents not online in pool ${poolName} after ${Math.round(ctx.options.onlineTimeoutMs / 1000)}s: ${describeMissing(missing, byName)}${hint ? ` (${first}: ${hint})` : ""}; ${whereToLook(ctx, first, pool.id)}`,
        );
      }
      await sleep(Math.min(ctx.options.pollIntervalMs, remaining), ctx.signal);
    }
  },
};
