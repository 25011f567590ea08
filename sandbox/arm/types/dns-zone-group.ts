/**
 * Microsoft.Network/privateEndpoints/privateDnsZoneGroups. Shapes from azure-rest-api-specs network 2024-07-01
 * `privateEndpoint.json` (PrivateDnsZoneGroup, PrivateDnsZoneConfig, RecordSet) and example
 * PrivateEndpointDnsZoneGroupCreate.json (test/fixtures/arm); SDK types PrivateDnsZoneGroup, PrivateDnsZoneConfig in
 * @azure/arm-network. The A records it writes as privatedns 2024-06-01 RecordSetAPut.json shapes them.
 */
import { ArmError } from "../arm-error";
import type { ArmContext, ResourceTypeSpec } from "../resource-type";
import { parentIdOf } from "../resource-id";
import type { StoredResource } from "../store";
import { sameId } from "./common";
import { nicIpConfigurations } from "./network-interface";
import { PRIVATE_DNS_ZONE } from "./private-dns";
import { privateEndpointProperties } from "./private-endpoint";
import { inferenceWildcardRecord, workspaceGuidIn } from "../../../network/private-link-zones";
import { asObject, asObjects, asString, asStrings, propertiesOf } from "./wire";
import { recordNameIn } from "./zone-record-name";

export const DNS_ZONE_GROUP = "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";

/** A privateDnsZoneConfigs item as the write stores it; `recordSets` is added to a GET's copy. */
interface WireZoneConfig {
  name: unknown;
  properties: { privateDnsZoneId: string; recordSets?: unknown[] };
}

/** The zone configs of a zone group body the sandbox wrote (stored, or a GET's copy). */
function zoneConfigsOf(body: unknown): WireZoneConfig[] {
  return (propertiesOf(body).privateDnsZoneConfigs ?? []) as WireZoneConfig[];
}

/**
 * The names and IPs the endpoint's NIC holds (ipConfigurations[].properties.privateLinkConnectionProperties.fqdns),
 * which Azure writes into the zones of a zone group: the workspace, cert and inference wildcard names into
 * privatelink.api.azureml.ms (the wildcard as `*.<workspace guid>.inference.<region>`, azure-ai-docs
 * how-to-custom-dns.md), the notebooks name into privatelink.notebooks.azure.net.
 */
function endpointNames(ctx: ArmContext, endpoint: StoredResource): Array<{ fqdn: string; ipAddresses: string[] }> {
  const nic = ctx.resolve(privateEndpointProperties(endpoint.body).networkInterfaces?.[0]?.id ?? "");
  return nicIpConfigurations(nic).flatMap((ipc) =>
    asStrings(ipc.properties.privateLinkConnectionProperties?.fqdns).map((fqdn) => ({ fqdn, ipAddresses: [ipc.properties.privateIPAddress] })),
  );
}

function ownedRecords(ctx: ArmContext, group: StoredResource, zoneId: string): StoredResource[] {
  return ctx.store.childrenOf(zoneId, `${PRIVATE_DNS_ZONE}/A`).filter((r) => sameId(asString(r.internal.ownerZoneGroup), group.id));
}

function configZoneIds(group: StoredResource): string[] {
  return zoneConfigsOf(group.body).map((c) => c.properties.privateDnsZoneId);
}

export const dnsZoneGroupType: ResourceTypeSpec = {
  type: DNS_ZONE_GROUP,
  lro: "network",
  placement: "child",
  etag: true,
  write(ctx, request) {
    const configs = asObjects(propertiesOf(request.body).privateDnsZoneConfigs);
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
    const privateDnsZoneConfigs = configs.map((config): WireZoneConfig => {
      const zoneIdGiven = asObject(config.properties).privateDnsZoneId;
      const zoneId = asString(zoneIdGiven);
      const zone = zoneId ? ctx.resolve(zoneId) : undefined;
      if (!zone || zone.type !== PRIVATE_DNS_ZONE) {
        throw new ArmError(
          400,
          "InvalidResourceReference",
          `Resource ${String(zoneIdGiven ?? "(missing privateDnsZoneId)")} referenced by resource ${request.id} was not found. Please make sure that the referenced resource exists.`,
        );
      }
      return { name: config.name ?? zone.name.replace(/\./g, "-"), properties: { privateDnsZoneId: zone.id } };
    });
    return { type: DNS_ZONE_GROUP, properties: { privateDnsZoneConfigs } };
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
              aRecords: config.ipAddresses.map((ip) => ({ ipv4Address: ip })),
              metadata: { creator: `created by private endpoint ${endpoint.name} with resource guid ${privateEndpointProperties(endpoint.body).resourceGuid}` },
            },
          },
          { ownerZoneGroup: group.id },
        );
      }
    }
  },
  view(ctx, group, body) {
    for (const config of zoneConfigsOf(body)) {
      const zone = ctx.resolve(config.properties.privateDnsZoneId);
      config.properties.recordSets = zone
        ? ownedRecords(ctx, group, zone.id).map((r) => ({
            recordType: "A",
            recordSetName: r.name,
            fqdn: `${r.name}.${zone.name}`,
            ttl: propertiesOf(r.body).ttl,
            ipAddresses: asObjects(propertiesOf(r.body).aRecords).map((a) => a.ipv4Address),
            provisioningState: "Succeeded",
          }))
        : [];
    }
  },
  afterDelete(ctx, group) {
    for (const zoneId of configZoneIds(group)) for (const record of ownedRecords(ctx, group, zoneId)) ctx.deleteInternal(record.id);
  },
};
