import { ArmError } from "../arm-error";
import type { ArmContext, ResourceTypeSpec } from "../resource-type";
import { parentIdOf } from "../resource-id";
import type { Json, StoredResource } from "../store";
import { sameId } from "./common";
import { PRIVATE_DNS_ZONE } from "./private-dns";
import { inferenceWildcardRecord, workspaceGuidIn } from "../../../network/private-link-zones";
import { recordNameIn } from "./zone-record-name";

export const DNS_ZONE_GROUP = "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";

/**
 * The names and IPs the endpoint's NIC holds (ipConfigurations[].properties.privateLinkConnectionProperties.fqdns),
 * which Azure writes into the zones of a zone group: the workspace, cert and inference wildcard names into
 * privatelink.api.azureml.ms (the wildcard as `*.<workspace guid>.inference.<region>`, azure-ai-docs
 * how-to-custom-dns.md), the notebooks name into privatelink.notebooks.azure.net.
 */
function endpointNames(ctx: ArmContext, endpoint: StoredResource): Array<{ fqdn: string; ipAddresses: string[] }> {
  const nic = ctx.resolve(endpoint.body.properties.networkInterfaces?.[0]?.id ?? "");
  const configs: Json[] = nic?.body.properties.ipConfigurations ?? [];
  return configs.flatMap((ipc) =>
    (ipc.properties.privateLinkConnectionProperties?.fqdns ?? []).map((fqdn: string) => ({ fqdn, ipAddresses: [ipc.properties.privateIPAddress] })),
  );
}

function ownedRecords(ctx: ArmContext, group: StoredResource, zoneId: string): StoredResource[] {
  return ctx.store.childrenOf(zoneId, `${PRIVATE_DNS_ZONE}/A`).filter((r) => sameId(r.internal.ownerZoneGroup as string | undefined, group.id));
}

function configZoneIds(group: StoredResource): string[] {
  return (group.body.properties.privateDnsZoneConfigs ?? []).map((c: Json) => c.properties.privateDnsZoneId);
}

export const dnsZoneGroupType: ResourceTypeSpec = {
  type: DNS_ZONE_GROUP,
  lro: "network",
  placement: "child",
  etag: true,
  write(ctx, request) {
    const configs: Json[] = request.body.properties?.privateDnsZoneConfigs ?? [];
    if (configs.length === 0 || configs.length > 5) {
      throw new ArmError(400, "InvalidPrivateDnsZoneConfigs", `Private DNS zone group ${request.id} must have between 1 and 5 privateDnsZoneConfigs.`);
    }
    const others = ctx.store.childrenOf(parentIdOf(request.id) as string, DNS_ZONE_GROUP).filter((g) => !sameId(g.id, request.id));
    if (others.length)
      throw new ArmError(
        400,
        "PrivateEndpointDnsZoneGroupLimitReached",
        `Private endpoint ${parentIdOf(request.id)} already has the private DNS zone group ${others[0].name}; only one is allowed.`,
      );
    return {
      type: DNS_ZONE_GROUP,
      properties: {
        privateDnsZoneConfigs: configs.map((config) => {
          const zoneId = config.properties?.privateDnsZoneId;
          const zone = zoneId ? ctx.resolve(zoneId) : undefined;
          if (!zone || zone.type !== PRIVATE_DNS_ZONE) {
            throw new ArmError(
              400,
              "InvalidResourceReference",
              `Resource ${zoneId ?? "(missing privateDnsZoneId)"} referenced by resource ${request.id} was not found. Please make sure that the referenced resource exists.`,
            );
          }
          return { name: config.name ?? zone.name.replace(/\./g, "-"), properties: { privateDnsZoneId: zone.id } };
        }),
      },
    };
  },
  afterWrite(ctx, group, previous) {
    const endpoint = ctx.resolve(parentIdOf(group.id) as string) as StoredResource;
    const zoneIds = configZoneIds(group);
    for (const oldZoneId of previous ? configZoneIds(previous) : []) {
      if (!zoneIds.some((z) => sameId(z, oldZoneId))) for (const record of ownedRecords(ctx, group, oldZoneId)) ctx.deleteInternal(record.id);
    }
    const names = endpointNames(ctx, endpoint);
    const workspaceGuid = workspaceGuidIn(names.map((n) => n.fqdn));
    for (const zoneId of zoneIds) {
      const zone = ctx.resolve(zoneId) as StoredResource;
      for (const config of names) {
        const wildcard = workspaceGuid ? inferenceWildcardRecord(config.fqdn, workspaceGuid) : undefined;
        const recordName = wildcard ? (wildcard.zone === zone.name.toLowerCase() ? wildcard.recordName : undefined) : recordNameIn(zone.name, config.fqdn);
        if (!recordName) continue;
        ctx.putInternal(
          `${zone.id}/A/${recordName}`,
          `${PRIVATE_DNS_ZONE}/A`,
          {
            properties: {
              ttl: 10,
              aRecords: config.ipAddresses.map((ip: string) => ({ ipv4Address: ip })),
              metadata: { creator: `created by private endpoint ${endpoint.name} with resource guid ${endpoint.body.properties.resourceGuid}` },
            },
          },
          { ownerZoneGroup: group.id },
        );
      }
    }
  },
  view(ctx, group, body) {
    for (const config of body.properties.privateDnsZoneConfigs) {
      const zone = ctx.resolve(config.properties.privateDnsZoneId);
      config.properties.recordSets = zone
        ? ownedRecords(ctx, group, zone.id).map((r) => ({
            recordType: "A",
            recordSetName: r.name,
            fqdn: `${r.name}.${zone.name}`,
            ttl: r.body.properties.ttl,
            ipAddresses: r.body.properties.aRecords.map((a: Json) => a.ipv4Address),
            provisioningState: "Succeeded",
          }))
        : [];
    }
  },
  afterDelete(ctx, group) {
    for (const zoneId of configZoneIds(group)) for (const record of ownedRecords(ctx, group, zoneId)) ctx.deleteInternal(record.id);
  },
};
