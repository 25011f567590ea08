import { recordNameIn, zonesForGroup } from "../../network/private-link-zones";
import { shortName, vnetIdOfSubnet } from "../topology/arm-id";
import { connectionsOf, workspaceEndpoints } from "../topology/read-topology";
import type { Topology } from "../topology/topology";
import { zoneLinkProblems, zoneStateFor } from "../path/dns";
import type { PathModel } from "../path/path-model";
import { aRecordCommand, createZoneCommand, zoneGroupCommand } from "./fixes";
import type { CheckRecorder } from "./recorder";

export { customDnsServers } from "../path/dns";

/** Every zone each endpoint needs exists, is linked to the endpoint's VNet and the agent VNet, and holds its A records. */
export function checkDns(topology: Topology, recorder: CheckRecorder, model?: PathModel): void {
  const linkChecked = new Set<string>();
  for (const endpoint of workspaceEndpoints(topology)) {
    const endpointVnetId = endpoint.subnet?.id ? vnetIdOfSubnet(endpoint.subnet.id) : undefined;
    const zoneNames = [...new Set(connectionsOf(endpoint).flatMap((c) => (c.groupIds ?? []).flatMap((g) => zonesForGroup(g, topology.cloud))))];
    for (const zoneName of zoneNames) {
      const zone = zoneStateFor(topology, endpoint, zoneName);
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
        recorder.record({ id: `dns.zone-linked:${zone.name}:${shortName(vnetId)}`, category: "dns", title: `${zone.name} is linked to ${role} VNet ${shortName(vnetId)}`, resourceId: zone.id }, zoneLinkProblems(topology, zone, vnetId, { who: `${role} VNet ${shortName(vnetId)}`, resourceId: zone.id, extensions: model?.extensions }));
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
