import type { VirtualNetworkLink } from "@azure/arm-privatedns";
import { mapSettledLimited, valuesOrThrow } from "../concurrency";
import type { ProvisionContext } from "../context";
import { dnsLinkName, isOwned, tagsSatisfied } from "../ownership";
import { act, attempt, collect, listOrEmpty, listOrRecordFailure, partsOf, sameId, Step } from "./step";

async function linksOf(ctx: ProvisionContext, zoneId: string): Promise<VirtualNetworkLink[]> {
  const { subscriptionId, resourceGroup, name } = partsOf(zoneId);
  return listOrEmpty(() => ctx.clientsFor(subscriptionId).privateDns.virtualNetworkLinks.list(resourceGroup, name), `the links of zone ${name}`);
}

/** One zone: a link to the agent VNet exists (whoever made it), or amlvnet adds `amlvnet-<vnet>` with its tags. */
async function ensureLink(ctx: ProvisionContext, zoneId: string): Promise<void> {
  const { subscriptionId, resourceGroup, name: zone } = partsOf(zoneId);
  const link = (await linksOf(ctx, zoneId)).find((l) => sameId(l.virtualNetwork?.id, ctx.ids.vnetId));
  const name = link?.name ?? dnsLinkName(ctx.ids.vnetName);
  const change = { step: "dns-links", kind: "private DNS zone link", name: `${zone}/${name}`, id: `${zoneId}/virtualNetworkLinks/${name}` };
  const client = ctx.clientsFor(subscriptionId).privateDns.virtualNetworkLinks;
  const body: VirtualNetworkLink = {
    location: "global",
    tags: { ...link?.tags, ...ctx.tags },
    virtualNetwork: { id: ctx.ids.vnetId },
    registrationEnabled: false,
  };
  if (!link)
    return act(ctx, { ...change, action: "create", detail: `to ${ctx.ids.vnetName}` }, () =>
      client.beginCreateOrUpdateAndWait(resourceGroup, zone, name, body, { abortSignal: ctx.signal }),
    );
  if (isOwned(link.tags, ctx.config.pool.name) && !tagsSatisfied(link.tags, ctx.tags)) {
    return act(ctx, { ...change, action: "update", detail: "tags" }, () =>
      client.beginCreateOrUpdateAndWait(resourceGroup, zone, name, body, { abortSignal: ctx.signal }),
    );
  }
  await act(
    ctx,
    { ...change, action: "no-op", detail: isOwned(link.tags, ctx.config.pool.name) ? undefined : "created outside amlvnet: kept" },
    async () => undefined,
  );
}

/** Zones to clean up when the workspace could not be read: every private zone of the subscriptions involved. */
async function fallbackZoneIds(ctx: ProvisionContext): Promise<string[]> {
  const subscriptions = new Set([ctx.config.subscription, partsOf(ctx.config.workspaceId).subscriptionId]);
  const zones = await Promise.all(
    [...subscriptions].map((s) =>
      listOrRecordFailure(ctx, `the private DNS zones of subscription ${s}`, () => collect(ctx.clientsFor(s).privateDns.privateZones.list())),
    ),
  );
  return zones.flat().map((z) => z.id as string);
}

/** Step 4: links from every private DNS zone of the workspace's endpoints (their zone groups) to the agent VNet. */
export const dnsLinksStep: Step = {
  name: "dns-links",
  async apply(ctx) {
    valuesOrThrow(await mapSettledLimited(ctx.zoneIds, 4, (zoneId) => ensureLink(ctx, zoneId)), "zone links");
  },
  async destroy(ctx) {
    const zoneIds = ctx.topology ? ctx.zoneIds : await fallbackZoneIds(ctx);
    await mapSettledLimited(zoneIds, 4, (zoneId) =>
      attempt(ctx, `link of zone ${partsOf(zoneId).name}`, async () => {
        const { subscriptionId, resourceGroup, name: zone } = partsOf(zoneId);
        for (const link of await linksOf(ctx, zoneId)) {
          if (!sameId(link.virtualNetwork?.id, ctx.ids.vnetId) || !isOwned(link.tags, ctx.config.pool.name) || !link.name) continue;
          const linkName = link.name;
          await act(ctx, { step: "dns-links", kind: "private DNS zone link", name: `${zone}/${linkName}`, id: link.id ?? zoneId, action: "delete" }, () =>
            ctx.clientsFor(subscriptionId).privateDns.virtualNetworkLinks.beginDeleteAndWait(resourceGroup, zone, linkName, { abortSignal: ctx.signal }),
          );
        }
      }),
    );
  },
};
