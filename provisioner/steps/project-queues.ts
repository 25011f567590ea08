import type { ProvisionContext } from "../context";
import { StepError } from "../errors";
import { isOurAgent } from "./devops-pool";
import { act, attempt, Step } from "./step";

function queueUrl(ctx: ProvisionContext, projectName: string): string {
  return `${ctx.devops.organizationUrl}/${encodeURIComponent(projectName)}/_settings/agentqueues`;
}

/**
 * Step 7c: the pool in each configured project, as an agent queue named after the pool (what `pool: <name>` in a
 * pipeline resolves), created with `authorizePipelines` as configured (TaskAgentApi.addAgentQueue, REST POST
 * {org}/{project}/_apis/distributedtask/queues?authorizePipelines=). For an existing queue of the pool, `true` is
 * converged through pipelinePermissions (allPipelines.authorized); `false` never revokes an administrator's grant.
 * destroy removes the queues of the
 * pool in the configured projects, unless the pool stays because agents amlvnet did not create are in it.
 */
export const projectQueuesStep: Step = {
  name: "project-queues",
  async apply(ctx) {
    const poolName = ctx.config.pool.name;
    for (const project of ctx.projects) {
      const change = { step: this.name, kind: "project queue", name: `${project.name}/${poolName}`, id: queueUrl(ctx, project.name) };
      const detail = project.authorizePipelines ? "all pipelines authorized" : "each pipeline asks once";
      // plan before the pool exists: nothing to read yet.
      if (!ctx.pool) {
        await act(ctx, { ...change, action: "create", detail }, async () => {
          throw new StepError(this.name, `agent pool ${poolName} does not exist`);
        });
        continue;
      }
      const pool = ctx.pool;
      const queues = await ctx.devops.listQueues(project.id);
      const ours = queues.find((q) => q.poolId === pool.id);
      if (ours) {
        const named = { ...change, name: `${project.name}/${ours.name}` };
        // authorizePipelines: true is converged; false never revokes a grant an administrator made.
        if (project.authorizePipelines && !(await ctx.devops.queueAuthorizedForAllPipelines(project.id, ours.id))) {
          await act(ctx, { ...named, action: "update", detail: "authorize all pipelines" }, () =>
            ctx.devops.authorizeQueueForAllPipelines(project.id, ours.id),
          );
        } else {
          await act(ctx, { ...named, action: "no-op" }, async () => undefined);
        }
        continue;
      }
      const clash = queues.find((q) => q.name.toLowerCase() === poolName.toLowerCase());
      if (clash) {
        throw new StepError(
          this.name,
          `project ${project.name} already has a queue named ${clash.name} for another pool (${clash.poolId}); rename that queue or pool.name, then run apply again`,
        );
      }
      await act(ctx, { ...change, action: "create", detail }, () => ctx.devops.addQueue(project.id, pool.id, poolName, project.authorizePipelines));
    }
  },
  async destroy(ctx) {
    const poolName = ctx.config.pool.name;
    if (!ctx.projects.length) return;
    await attempt(ctx, `project queues of ${poolName}`, async () => {
      const pool = await ctx.devops.findPool(poolName);
      if (!pool || pool.isHosted) return;
      const others = (await ctx.devops.listAgents(pool.id)).filter((a) => !isOurAgent(ctx, a.name));
      if (others.length && !pool.isElastic) {
        ctx.progress(`kept the project queues of ${poolName}: the pool stays, it has agents amlvnet did not create`);
        return;
      }
      for (const project of ctx.projects) {
        for (const queue of await ctx.devops.listQueues(project.id, pool.id)) {
          await attempt(ctx, `queue ${queue.name} of project ${project.name}`, () =>
            act(
              ctx,
              { step: "project-queues", kind: "project queue", name: `${project.name}/${queue.name}`, id: queueUrl(ctx, project.name), action: "delete" },
              () => ctx.devops.deleteQueue(project.id, queue.id),
            ),
          );
        }
      }
    });
  },
};
