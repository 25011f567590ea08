import type { Subnet } from "@azure/arm-network";
import { act, attempt, getOrUndefined, sameId, Step } from "./step";

/**
 * Step 2c: the agent subnet with amlvnet's NSG. A subnet that already exists in an existing VNet with another
 * NSG keeps it (amlvnet does not take over someone's subnet). The subnet counts as amlvnet's when it holds
 * amlvnet's tagged NSG: destroy deletes it from an existing VNet then (a created VNet goes with its subnets).
 */
export const agentSubnetStep: Step = {
  name: "agent-subnet",
  async apply(ctx) {
    const { config, ids } = ctx;
    const network = ctx.clientsFor(ids.vnetSubscription).network;
    const name = config.network.subnet.name;
    const prefix = config.network.subnet.prefix;
    const existing = await getOrUndefined(() => network.subnets.get(ids.vnetResourceGroup, ids.vnetName, name), `subnet ${name}`);
    const change = { step: this.name, kind: "subnet", name: `${ids.vnetName}/${name}`, id: ids.subnetId };
    const currentPrefix = existing?.addressPrefix ?? existing?.addressPrefixes?.[0];
    const foreignNsg = existing?.networkSecurityGroup?.id && !sameId(existing.networkSecurityGroup.id, ids.nsgId) && config.network.vnet.kind === "existing";
    const nsgOk = sameId(existing?.networkSecurityGroup?.id, ids.nsgId) || foreignNsg;
    if (existing && currentPrefix === prefix && nsgOk) {
      return act(
        ctx,
        { ...change, action: "no-op", detail: foreignNsg ? `keeps its NSG ${existing.networkSecurityGroup?.id?.split("/").pop()}` : undefined },
        async () => undefined,
      );
    }
    // An update keeps what else is set on the subnet (route table, NAT gateway, service endpoints, delegations).
    const body: Subnet = { ...(existing ?? {}), addressPrefix: prefix, addressPrefixes: undefined, networkSecurityGroup: { id: ids.nsgId } };
    const detail = existing
      ? [currentPrefix !== prefix ? `prefix ${currentPrefix} → ${prefix}` : "", nsgOk ? "" : `attach NSG ${config.network.nsgName}`].filter(Boolean).join(", ")
      : `${prefix}, NSG ${config.network.nsgName}`;
    await act(ctx, { ...change, action: existing ? "update" : "create", detail }, () =>
      network.subnets.beginCreateOrUpdateAndWait(ids.vnetResourceGroup, ids.vnetName, name, body, { abortSignal: ctx.signal }),
    );
  },
  async destroy(ctx) {
    const { config, ids } = ctx;
    if (config.network.vnet.kind !== "existing") return;
    const network = ctx.clientsFor(ids.vnetSubscription).network;
    const name = config.network.subnet.name;
    await attempt(ctx, `subnet ${name}`, async () => {
      const subnet = await getOrUndefined(() => network.subnets.get(ids.vnetResourceGroup, ids.vnetName, name), `subnet ${name}`);
      if (!subnet || !sameId(subnet.networkSecurityGroup?.id, ids.nsgId)) return;
      await act(ctx, { step: "agent-subnet", kind: "subnet", name: `${ids.vnetName}/${name}`, id: ids.subnetId, action: "delete" }, () =>
        network.subnets.beginDeleteAndWait(ids.vnetResourceGroup, ids.vnetName, name, { abortSignal: ctx.signal }),
      );
    });
  },
};
