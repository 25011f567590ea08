import { isOwned, tagsSatisfied } from "../ownership";
import { act, attempt, getOrUndefined, Step } from "./step";

/**
 * Step 2b: the agent VNet. `network.vnet: { name, addressSpace }` is created (and owned) in the agents' group;
 * `network.vnet: { id }` is an existing VNet that amlvnet never changes or deletes (only adds its subnet to).
 */
export const agentVnetStep: Step = {
  name: "agent-vnet",
  async apply(ctx) {
    const { config, clients, ids } = ctx;
    const vnetConfig = config.network.vnet;
    const change = { step: this.name, kind: "virtual network", name: ids.vnetName, id: ids.vnetId };
    if (vnetConfig.kind === "existing") return act(ctx, { ...change, action: "no-op", detail: "existing VNet, not changed by amlvnet" }, async () => undefined);
    const existing = await getOrUndefined(() => clients.network.virtualNetworks.get(config.resourceGroup, ids.vnetName), `VNet ${ids.vnetName}`);
    const current = existing?.addressSpace?.addressPrefixes ?? [];
    const missing = vnetConfig.addressSpace.filter((p) => !current.includes(p));
    if (existing && missing.length === 0 && tagsSatisfied(existing.tags, ctx.tags)) return act(ctx, { ...change, action: "no-op" }, async () => undefined);
    const addressPrefixes = [...new Set([...current, ...vnetConfig.addressSpace])];
    await act(
      ctx,
      {
        ...change,
        action: existing ? "update" : "create",
        detail: existing ? (missing.length ? `add address space ${missing.join(", ")}` : "tags") : `address space ${vnetConfig.addressSpace.join(", ")}`,
      },
      () =>
        clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
          config.resourceGroup,
          ids.vnetName,
          // A VNet PUT without `subnets` deletes them: an update carries the current ones.
          {
            location: config.location,
            tags: { ...existing?.tags, ...ctx.tags },
            addressSpace: { addressPrefixes },
            ...(existing ? { subnets: existing.subnets ?? [] } : {}),
          },
          { abortSignal: ctx.signal },
        ),
    );
  },
  async destroy(ctx) {
    const { config, clients, ids } = ctx;
    if (config.network.vnet.kind === "existing") return;
    await attempt(ctx, `VNet ${ids.vnetName}`, async () => {
      const vnet = await getOrUndefined(() => clients.network.virtualNetworks.get(config.resourceGroup, ids.vnetName), `VNet ${ids.vnetName}`);
      if (!vnet || !isOwned(vnet.tags, config.pool.name)) return;
      await act(ctx, { step: "agent-vnet", kind: "virtual network", name: ids.vnetName, id: ids.vnetId, action: "delete" }, () =>
        clients.network.virtualNetworks.beginDeleteAndWait(config.resourceGroup, ids.vnetName, { abortSignal: ctx.signal }),
      );
    });
  },
};
