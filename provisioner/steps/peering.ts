import type { VirtualNetworkPeering } from "@azure/arm-network";
import { sleep } from "../concurrency";
import type { ProvisionContext } from "../context";
import { codeOf, StepError } from "../errors";
import { isOwnedPeering, peeringName } from "../ownership";
import { act, attempt, listOrEmpty, listOrRecordFailure, nameOf, partsOf, sameId, Step } from "./step";

interface Side {
  /** The VNet the peering lives on. */
  vnetId: string;
  /** The VNet it points at. */
  remoteId: string;
}

function peeringsOf(ctx: ProvisionContext, vnetId: string): Promise<VirtualNetworkPeering[]> {
  const { subscriptionId, resourceGroup, name } = partsOf(vnetId);
  return listOrEmpty(() => ctx.clientsFor(subscriptionId).network.virtualNetworkPeerings.list(resourceGroup, name), `the peerings of ${name}`);
}

async function findPeering(ctx: ProvisionContext, side: Side): Promise<VirtualNetworkPeering | undefined> {
  return (await peeringsOf(ctx, side.vnetId)).find((p) => sameId(p.remoteVirtualNetwork?.id, side.remoteId));
}

function change(side: Side, name: string) {
  return { step: "peering", kind: "peering", name: `${nameOf(side.vnetId)}/${name}`, id: `${side.vnetId}/virtualNetworkPeerings/${name}` };
}

async function putPeering(ctx: ProvisionContext, side: Side, name: string): Promise<void> {
  const { subscriptionId, resourceGroup, name: vnet } = partsOf(side.vnetId);
  const body: VirtualNetworkPeering = {
    remoteVirtualNetwork: { id: side.remoteId },
    allowVirtualNetworkAccess: true,
    allowForwardedTraffic: false,
    allowGatewayTransit: false,
    useRemoteGateways: false,
  };
  await ctx.clientsFor(subscriptionId).network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(resourceGroup, vnet, name, body, { abortSignal: ctx.signal });
}

async function deletePeering(ctx: ProvisionContext, side: Side, name: string): Promise<void> {
  const { subscriptionId, resourceGroup, name: vnet } = partsOf(side.vnetId);
  await ctx.clientsFor(subscriptionId).network.virtualNetworkPeerings.beginDeleteAndWait(resourceGroup, vnet, name, { abortSignal: ctx.signal });
}

/**
 * One side: a Disconnected peering (the other VNet or side was re-created) is deleted and created again; a missing
 * one is created (amlvnet-peer-<remote>); one with network access off or out of sync is updated. A peering someone
 * else made between the same VNets is used as it is.
 */
async function ensureSide(ctx: ProvisionContext, side: Side, other: Side): Promise<void> {
  const existing = await findPeering(ctx, side);
  const name = existing?.name ?? peeringName(nameOf(side.remoteId));
  if (existing?.peeringState === "Disconnected") {
    return act(ctx, { ...change(side, name), action: "update", detail: "Disconnected: re-created" }, async () => {
      await deletePeering(ctx, side, name);
      await putPeering(ctx, side, name);
    });
  }
  if (!existing) {
    return act(ctx, { ...change(side, name), action: "create", detail: `to ${nameOf(side.remoteId)}` }, async () => {
      try {
        await putPeering(ctx, side, name);
      } catch (error) {
        if (codeOf(error) !== "RemotePeeringIsDisconnected") throw error;
        // The other side went stale between our read and this write: re-create it, then this one.
        const stale = await findPeering(ctx, other);
        if (stale?.name) {
          await deletePeering(ctx, other, stale.name);
          await putPeering(ctx, other, stale.name);
        }
        await putPeering(ctx, side, name);
      }
    });
  }
  const outOfSync = existing.peeringState === "Connected" && existing.peeringSyncLevel !== undefined && existing.peeringSyncLevel !== "FullyInSync";
  if (existing.allowVirtualNetworkAccess === false || outOfSync) {
    if (!isOwnedPeering(existing.name))
      return act(
        ctx,
        {
          ...change(side, name),
          action: "no-op",
          detail: `not amlvnet's: fix it by hand (${outOfSync ? existing.peeringSyncLevel : "allowVirtualNetworkAccess=false"})`,
        },
        async () => undefined,
      );
    return act(
      ctx,
      { ...change(side, name), action: "update", detail: outOfSync ? `sync address space (${existing.peeringSyncLevel})` : "allow virtual network access" },
      () => putPeering(ctx, side, name),
    );
  }
  await act(
    ctx,
    { ...change(side, name), action: "no-op", detail: isOwnedPeering(existing.name) ? undefined : "created outside amlvnet: kept" },
    async () => undefined,
  );
}

async function waitConnected(ctx: ProvisionContext, sides: Side[]): Promise<void> {
  const deadline = Date.now() + ctx.options.peeringTimeoutMs;
  for (;;) {
    const states = await Promise.all(sides.map(async (side) => [side, (await findPeering(ctx, side))?.peeringState] as const));
    const pending = states.filter(([, state]) => state !== "Connected");
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      throw new StepError(
        "peering",
        `not Connected after ${Math.round(ctx.options.peeringTimeoutMs / 1000)}s: ${pending.map(([side, state]) => `${nameOf(side.vnetId)} → ${nameOf(side.remoteId)} is ${state ?? "missing"}`).join("; ")}; see az network vnet peering list`,
      );
    }
    await sleep(Math.min(ctx.options.pollIntervalMs, 2000), ctx.signal);
  }
}

/** Step 3: peering both ways between the agent VNet and each AML VNet, then waiting for Connected. */
export const peeringStep: Step = {
  name: "peering",
  async apply(ctx) {
    const sides: Side[] = [];
    for (const amlId of ctx.amlVnetIds) {
      const agentSide = { vnetId: ctx.ids.vnetId, remoteId: amlId };
      const amlSide = { vnetId: amlId, remoteId: ctx.ids.vnetId };
      // A Disconnected side is re-created first: creating the other side against it would be refused.
      const amlSideStale = (await findPeering(ctx, amlSide))?.peeringState === "Disconnected";
      const [first, second] = amlSideStale ? [amlSide, agentSide] : [agentSide, amlSide];
      await ensureSide(ctx, first, second);
      await ensureSide(ctx, second, first);
      sides.push(agentSide, amlSide);
    }
    if (ctx.mode === "apply") await waitConnected(ctx, sides);
  },
  async destroy(ctx) {
    // Without the workspace's topology, the remote VNets are those amlvnet's peerings on the agent VNet point at.
    const remotes = new Set(ctx.amlVnetIds);
    for (const p of await listOrRecordFailure(ctx, `the peerings of ${nameOf(ctx.ids.vnetId)}`, () => peeringsOf(ctx, ctx.ids.vnetId)))
      if (isOwnedPeering(p.name) && p.remoteVirtualNetwork?.id) remotes.add(p.remoteVirtualNetwork.id);
    for (const remoteId of remotes) {
      for (const side of [
        { vnetId: ctx.ids.vnetId, remoteId },
        { vnetId: remoteId, remoteId: ctx.ids.vnetId },
      ]) {
        await attempt(ctx, `peering ${nameOf(side.vnetId)} → ${nameOf(side.remoteId)}`, async () => {
          const existing = await findPeering(ctx, side);
          if (!existing?.name || !isOwnedPeering(existing.name)) return;
          await act(ctx, { ...change(side, existing.name), action: "delete" }, () => deletePeering(ctx, side, existing.name as string));
        });
      }
    }
  },
};
