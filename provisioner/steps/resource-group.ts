import { sleep } from "../concurrency";
import type { ProvisionContext } from "../context";
import { StepError } from "../errors";
import { isOwned, tagsSatisfied } from "../ownership";
import { act, attempt, collect, getOrUndefined, Step } from "./step";

/**
 * The agents' resource group: created with amlvnet's tags when missing; an existing group amlvnet did not create
 * is used as it is and never deleted. destroy deletes an owned group only once it is empty.
 */
export const resourceGroupStep: Step = {
  name: "resource-group",
  async apply(ctx) {
    const { config, clients } = ctx;
    const name = config.resourceGroup;
    const group = await getOrUndefined(() => clients.resources.resourceGroups.get(name), `resource group ${name}`);
    const change = { step: this.name, kind: "resource group", name, id: ctx.ids.resourceGroupId };
    if (!group) {
      return act(ctx, { ...change, action: "create", detail: config.location }, () =>
        clients.resources.resourceGroups.createOrUpdate(name, { location: config.location, tags: ctx.tags }),
      );
    }
    if (!isOwned(group.tags, config.pool.name))
      return act(ctx, { ...change, action: "no-op", detail: "exists, not created by amlvnet: kept as it is" }, async () => undefined);
    if (tagsSatisfied(group.tags, ctx.tags)) return act(ctx, { ...change, action: "no-op" }, async () => undefined);
    await act(ctx, { ...change, action: "update", detail: "tags" }, () =>
      clients.resources.resourceGroups.update(name, { tags: { ...group.tags, ...ctx.tags } }),
    );
  },
  async destroy(ctx) {
    const { config, clients } = ctx;
    const name = config.resourceGroup;
    await attempt(ctx, `resource group ${name}`, async () => {
      const group = await getOrUndefined(() => clients.resources.resourceGroups.get(name), `resource group ${name}`);
      if (!group || !isOwned(group.tags, config.pool.name)) return;
      const left = await collect(clients.resources.resources.listByResourceGroup(name));
      if (left.length) {
        ctx.progress(
          `kept resource group ${name}: it still holds ${left.length} resource(s) amlvnet did not create (${left
            .slice(0, 3)
            .map((r) => r.name)
            .join(", ")}${left.length > 3 ? ", ..." : ""})`,
        );
        return;
      }
      await act(ctx, { step: "resource-group", kind: "resource group", name, id: ctx.ids.resourceGroupId, action: "delete" }, () => deleteGroup(ctx, name));
    });
  },
};

/**
 * Deletes the group and waits. When following the operation fails while the group shows Deleting (the local
 * sandbox does not serve the subscription-level operationresults URL yet), waits by reading the group instead.
 */
async function deleteGroup(ctx: ProvisionContext, name: string): Promise<void> {
  const groups = ctx.clients.resources.resourceGroups;
  try {
    await groups.beginDeleteAndWait(name, { abortSignal: ctx.signal });
    return;
  } catch (error) {
    const group = await getOrUndefined(() => groups.get(name), `resource group ${name}`);
    if (group && group.properties?.provisioningState !== "Deleting") throw error;
  }
  const deadline = Date.now() + 15 * 60_000;
  while ((await groups.checkExistence(name)).body) {
    if (Date.now() > deadline) throw new StepError("resource-group", `${name} is still being deleted after 15 minutes; see az group show -n ${name}`);
    await sleep(Math.min(ctx.options.pollIntervalMs, 2000), ctx.signal);
  }
}
