import type { PrivateEndpoint, VirtualNetwork } from "@azure/arm-network";
import { recordNameIn, zonesForGroup } from "../../network/private-link-zones";
import { idParts, sameId, shortName, vnetIdOfSubnet } from "../topology/arm-id";
import { connectionsOf, workspaceEndpoints } from "../topology/read-topology";
import type { Topology, ZoneState } from "../topology/topology";
import { aRecordCommand, createZoneCommand, linkZoneCommand, zoneGroupCommand } from "./fixes";
import type { CheckRecorder, Problem } from "./recorder";

const AZURE_DNS = "168.63.129.16";

/** Custom DNS servers of a VNet, if it does not use Azure-provided DNS. */
export function customDnsServers(vnet: VirtualNetwork | undefined): string[] {
  return (vnet?.dhcpOptions?.dnsServers ?? []).filter((s) => s !== AZURE_DNS);
}

function zoneFor(topology: Topology, endpoint: PrivateEndpoint, zoneName: string): ZoneState | undefined {
  const groups = topology.zoneGroups.get((endpoint.id as string).toLowerCase()) ?? [];
  const inGroup = groups.flatMap((g) => g.privateDnsZoneConfigs ?? []).map((c) => c.privateDnsZoneId).find((id) => id && idParts(id).name.toLowerCase() === zoneName);
  const candidates = [...topology.zones.values()].filter((z) => z.name.toLowerCase() === zoneName && z.zone);
  return (inGroup ? candidates.find((z) => sameId(z.id, inGroup)) : undefined) ?? candidates[0];
}

function linkProblem(topology: Topology, zone: ZoneState, vnetId: string, role: string): Problem[] {
  const vnet = topology.vnets.get(vnetId);
  const custom = customDnsServers(vnet);
  if (custom.length) {
    return [{
      severity: "warning",
      message: `The ${role} VNet ${shortName(vnetId)} uses custom DNS servers (${custom.join(", ")}), so the private zone ${zone.name} answers it only if those servers forward it: without a conditional forwarder they resolve the public address.`,
      fix: `On ${custom.join(", ")}: add a conditional forwarder for ${zone.name.replace(/^privatelink\./, "")} (and ${zone.name}) to ${AZURE_DNS}, from a DNS server in a VNet linked to ${zone.name}.`,
      resourceId: vnetId,
    }];
  }
  if (zone.links.some((l) => sameId(l.virtualNetwork?.id, vnetId))) return [];
  return [{
    severity: "error",
    message: `Private DNS zone ${zone.name} is not linked to the ${role} VNet ${shortName(vnetId)}: clients there resolve the public address of its names instead of the private endpoint.`,
    fix: linkZoneCommand(zone.id, vnetId),
    resourceId: zone.id,
  }];
}

/** Every zone each endpoint needs exists, is linked to the endpoint's VNet and the agent VNet, and holds its A records. */
export function checkDns(topology: Topology, recorder: CheckRecorder): void {
  const linkChecked = new Set<string>();
  for (const endpoint of workspaceEndpoints(topology)) {
    const endpointVnetId = endpoint.subnet?.id ? vnetIdOfSubnet(endpoint.subnet.id) : undefined;
    const zoneNames = [...new Set(connectionsOf(endpoint).flatMap((c) => (c.groupIds ?? []).flatMap((g) => zonesForGroup(g, topology.cloud))))];
    for (const zoneName of zoneNames) {
      const zone = zoneFor(topology, endpoint, zoneName);
      const existsSpec = { id: `dns.zone-exists:${zoneName}:${shortName(endpoint.id)}`, category: "dns" as const, title: `private DNS zone ${zoneName} exists for ${endpoint.name}`, resourceId: endpoint.id as string };
      if (!zone) {
        const rgId = (endpoint.id as string).split("/providers/")[0];
        recorder.record(existsSpec, [{
          severity: "error",
          message: `Private endpoint ${endpoint.name} needs the private DNS zone ${zoneName}, which does not exist in the subscriptions read: its names resolve to public addresses.`,
          fix: `${createZoneCommand(zoneName, rgId)} && ${zoneGroupCommand(endpoint.id as string, [`${rgId}/providers/Microsoft.Network/privateDnsZones/${zoneName}`])}`,
        }]);
        continue;
      }
      recorder.record(existsSpec);
      const vnets: Array<[string | undefined, string]> = [[endpointVnetId, "endpoint"], [topology.agentVnetId, "agent"]];
      for (const [vnetId, role] of vnets) {
        if (!vnetId) continue;
        const key = `${zone.id}|${vnetId}`.toLowerCase();
        if (linkChecked.has(key)) continue;
        linkChecked.add(key);
        recorder.record({ id: `dns.zone-linked:${zone.name}:${shortName(vnetId)}`, category: "dns", title: `${zone.name} is linked to ${role} VNet ${shortName(vnetId)}`, resourceId: zone.id }, linkProblem(topology, zone, vnetId, role));
      }
      for (const config of endpoint.customDnsConfigs ?? []) {
        const recordName = config.fqdn ? recordNameIn(zone.name, config.fqdn) : undefined;
        if (!recordName || !config.fqdn) continue;
        const expected = config.ipAddresses ?? [];
        const record = zone.aRecords.find((r) => r.name?.toLowerCase() === recordName);
        const actual = (record?.aRecords ?? []).map((a) => a.ipv4Address);
        const ok = expected.length > 0 && expected.every((ip) => actual.includes(ip));
        recorder.record(
          { id: `dns.record:${config.fqdn}`, category: "dns", title: `${config.fqdn} has an A record in ${zone.name} pointing at ${expected.join(", ")}`, resourceId: zone.id },
          ok ? [] : [{
            severity: "error",
            message: record
              ? `A record ${recordName} in ${zone.name} points at ${actual.join(", ") || "nothing"}, but private endpoint ${endpoint.name} has ${expected.join(", ")} for ${config.fqdn}.`
              : `No A record ${recordName} in ${zone.name}: ${config.fqdn} (private endpoint ${endpoint.name}, ${expected.join(", ")}) does not resolve privately.`,
            fix: `${zoneGroupCommand(endpoint.id as string, [zone.id])}   # or: ${aRecordCommand(zone.id, recordName, expected[0] ?? "<ip>")}`,
          }],
        );
      }
    }
  }
}
