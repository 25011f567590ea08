import type { ProvisionContext } from "../context";
import { act, attempt, sameId, Step } from "./step";

function poolUrl(ctx: ProvisionContext, poolId?: number): string {
  return `${ctx.devops.organizationUrl}/_settings/agentpools${poolId ? `?poolId=${poolId}` : ""}`;
}

/** Whether an agent of the pool is one of amlvnet's (named after one of its VMs or scale set instances). */
export function isOurAgent(ctx: ProvisionContext, agentName: string): boolean {
  return ctx.ids.vmIndex(agentName) !== undefined || ctx.agents.some((a) => a.agentName.toLowerCase() === agentName.toLowerCase());
}

/**
 * Step 7a: the Azure DevOps pool, found or created through azure-devops-node-api, before any agent configures
 * itself into it (vms mode; a scale set pool is registered by the scale set step, which needs the scale set).
 * destroy deregisters amlvnet's agents, then deletes the pool once nothing else is in it.
 */
export const devopsPoolStep: Step = {
  name: "devops-pool",
  async apply(ctx) {
    const name = ctx.config.pool.name;
    if (ctx.config.pool.mode !== "vms") return;
    const pool = await ctx.devops.findPool(name);
    const change = { step: this.name, kind: "agent pool", name, id: poolUrl(ctx, pool?.id) };
    if (pool) {
      ctx.pool = pool;
      return act(ctx, { ...change, action: "no-op" }, async () => undefined);
    }
    await act(ctx, { ...change, action: "create", detail: ctx.devops.organizationUrl }, async () => {
      ctx.pool = await ctx.devops.createPool(name);
    });
  },
  async destroy(ctx) {
    const name = ctx.config.pool.name;
    await attempt(ctx, `agent pool ${name}`, async () => {
      const pool = await ctx.devops.findPool(name);
      if (!pool || pool.isHosted) return;
      const agents = await ctx.devops.listAgents(pool.id);
      for (const agent of agents.filter((a) => isOurAgent(ctx, a.name))) {
        await attempt(ctx, `agent ${agent.name}`, () =>
          act(
            ctx,
            { step: "devops-pool", kind: "agent", name: agent.name, id: poolUrl(ctx, pool.id), action: "delete", detail: `deregistered from ${name}` },
            () => ctx.devops.deleteAgent(pool.id, agent.id),
          ),
        );
      }
      const others = (await ctx.devops.listAgents(pool.id)).filter((a) => !isOurAgent(ctx, a.name));
      if (pool.isElastic) {
        // A scale set pool is amlvnet's when it points at amlvnet's scale set.
        const elastic = await ctx.devops.getElasticPool(pool.id);
        if (!elastic || !sameId(elastic.azureId, ctx.ids.scaleSetId)) return;
      } else if (others.length) {
        ctx.progress(`kept agent pool ${name}: it still has agents amlvnet did not create (${others.map((a) => a.name).join(", ")})`);
        return;
      }
      await act(ctx, { step: "devops-pool", kind: "agent pool", name, id: poolUrl(ctx, pool.id), action: "delete" }, () => ctx.devops.deletePool(pool.id));
    });
  },
};
