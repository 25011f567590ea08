import type { PrivateEndpoint } from "@azure/arm-network";
import { inferenceWildcardFqdn, inferenceWildcardRecord, isWildcardFqdn, publicZoneOf, recordNameIn, workspaceGuidIn } from "../../network/private-link-zones";
import { idParts } from "./arm-id";
import type { Topology } from "./topology";

/** Where Azure reports a private endpoint's names: the endpoint, its NIC, or its DNS zone group. */
export type NameSource = "customDnsConfigs" | "nic" | "zoneGroup";

/** One name a private endpoint serves, with the private IPs it must resolve to. */
export interface EndpointName {
  /** Lower-case, as Azure lists it: a public FQDN, or a wildcard such as `*.westeurope.inference.ml.azure.com`. */
  fqdn: string;
  ips: string[];
  /** Every source that listed it, in the order of trust for the IPs: the NIC, then customDnsConfigs, then the zone group. */
  sources: NameSource[];
}

const TRUST: NameSource[] = ["nic", "customDnsConfigs", "zoneGroup"];

/**
 * Every name of a private endpoint, merged from the three places Azure may fill: `customDnsConfigs` (empty on real
 * endpoints with a zone group, per the one recording known), the NIC's
 * `ipConfigurations[].privateLinkConnectionProperties.fqdns` (always filled: azure-ai-docs how-to-custom-dns.md reads
 * them there) and the zone group's read-only `privateDnsZoneConfigs[].recordSets`. The IPs come from the most trusted
 * source listing the name: the NIC holds the addresses, the zone group only shows what was written.
 */
export function endpointNames(topology: Topology, endpoint: PrivateEndpoint): EndpointName[] {
  const found: Array<{ fqdn: string; ips: string[]; source: NameSource }> = [];
  for (const config of endpoint.customDnsConfigs ?? [])
    if (config.fqdn) found.push({ fqdn: config.fqdn, ips: config.ipAddresses ?? [], source: "customDnsConfigs" });
  for (const ref of endpoint.networkInterfaces ?? []) {
    const nic = topology.endpointNics.get(ref.id);
    for (const ipc of nic?.ipConfigurations ?? []) {
      for (const fqdn of ipc.privateLinkConnectionProperties?.fqdns ?? [])
        found.push({ fqdn, ips: ipc.privateIPAddress ? [ipc.privateIPAddress] : [], source: "nic" });
    }
  }
  for (const group of topology.zoneGroups.get((endpoint.id ?? "").toLowerCase()) ?? []) {
    for (const config of group.privateDnsZoneConfigs ?? []) {
      const zone = config.privateDnsZoneId ? idParts(config.privateDnsZoneId).name.toLowerCase() : undefined;
      for (const record of config.recordSets ?? []) {
        if (!zone || !record.recordSetName || (record.recordType && record.recordType !== "A")) continue;
        const name = record.recordSetName.toLowerCase();
        found.push({ fqdn: inferenceWildcardFqdn(zone, name) ?? `${name}.${publicZoneOf(zone)}`, ips: record.ipAddresses ?? [], source: "zoneGroup" });
      }
    }
  }
  const byFqdn = new Map<string, EndpointName>();
  for (const { fqdn, ips, source } of found.sort((a, b) => TRUST.indexOf(a.source) - TRUST.indexOf(b.source))) {
    const key = fqdn.trim().toLowerCase().replace(/\.$/, "");
    const entry = byFqdn.get(key) ?? { fqdn: key, ips: [], sources: [] };
    if (entry.ips.length === 0) entry.ips = [...ips];
    if (!entry.sources.includes(source)) entry.sources.push(source);
    byFqdn.set(key, entry);
  }
  return [...byFqdn.values()];
}

/** The workspace GUID the inference wildcard's record is named after: from the workspace FQDN, else the workspace. */
export function workspaceGuidOf(topology: Topology, names: EndpointName[]): string | undefined {
  return workspaceGuidIn(names.map((n) => n.fqdn)) ?? topology.workspace.workspaceId?.toLowerCase();
}

/** The A record of `name` in `zoneName`, if the name belongs there (wildcards included), else undefined. */
export function recordOf(zoneName: string, name: EndpointName, workspaceGuid: string | undefined): string | undefined {
  const zone = zoneName.toLowerCase();
  const inference = workspaceGuid ? inferenceWildcardRecord(name.fqdn, workspaceGuid) : undefined;
  if (inference) return inference.zone === zone ? inference.recordName : undefined;
  if (isWildcardFqdn(name.fqdn) && !workspaceGuid && inferenceWildcardRecord(name.fqdn, "0")) return undefined;
  return recordNameIn(zone, name.fqdn);
}
