import type { PrivateEndpoint } from "@azure/arm-network";
import { zonesForGroup } from "../../network/private-link-zones";
import { shortName, vnetIdOfSubnet } from "../topology/arm-id";
import { endpointNames, recordOf, workspaceGuidOf } from "../topology/endpoint-names";
import { connectionsOf, workspaceEndpoints } from "../topology/read-topology";
import type { Topology } from "../topology/topology";
import { zoneLinkProblems, zoneStateFor } from "../path/dns";
import type { PathModel } from "../path/path-model";
import { aRecordCommand, createZoneCommand, zoneGroupCommand } from "./fixes";
import type { CheckRecorder } from "./recorder";

export { customDnsServers } from "../path/dns";
import { dnsChainProblems } from "./dns-chain-checks";

/** Every zone each endpoint needs exists, is linked to the endpoint's VNet and the agent VNet, and holds its A records. */
export function checkDns(topology: Topology, recorder: CheckRecorder, model?: PathModel): void {
  const linkChecked = new Set<string>();
  for (const endpoint of workspaceEndpoints(topology)) {
    const endpointVnetId = endpoint.subnet?.id ? vnetIdOfSubnet(endpoint.subnet.id) : undefined;
    const zoneNames = [...new Set(connectionsOf(endpoint).flatMap((c) => (c.groupIds ?? []).flatMap((g) => zonesForGroup(g, topology.cloud))))];
    const names = endpointNames(topology, endpoint).filter((n) => n.ips.length > 0);
    const workspaceGuid = workspaceGuidOf(topology, names);
    recordNamesFound(endpoint, names.length, recorder);
    for (const zoneName of zoneNames) {
      const zone = zoneStateFor(topology, endpoint, zoneName);
      const existsSpec = {
        id: `dns.zone-exists:${zoneName}:${shortName(endpoint.id)}`,
        category: "dns" as const,
        title: `private DNS zone ${zoneName} exists for ${endpoint.name}`,
        resourceId: endpoint.id as string,
      };
      if (!zone) {
        const rgId = (endpoint.id as string).split("/providers/")[0];
        recorder.record(existsSpec, [
          {
            severity: "error",
            message: `Private endpoint ${endpoint.name} needs the private DNS zone ${zoneName}, which does not exist in the subscriptions read: its names resolve to public addresses.`,
            fix: `${createZoneCommand(zoneName, rgId)} && ${zoneGroupCommand(endpoint.id as string, [`${rgId}/providers/Microsoft.Network/privateDnsZones/${zoneName}`])}`,
          },
        ]);
        continue;
      }
      recorder.record(existsSpec);
      const vnets: Array<[string | undefined, string]> = [
        [endpointVnetId, "endpoint"],
        [topology.agentVnetId, "agent"],
      ];
      for (const [vnetId, role] of vnets) {
        if (!vnetId) continue;
        const key = `${zone.id}|${vnetId}`.toLowerCase();
        if (linkChecked.has(key)) continue;
        linkChecked.add(key);
        recorder.record(
          {
            id: `dns.zone-linked:${zone.name}:${shortName(vnetId)}`,
            category: "dns",
            title: `${zone.name} is linked to ${role} VNet ${shortName(vnetId)}`,
            resourceId: zone.id,
          },
          dnsChainProblems(
            topology,
            zone,
            vnetId,
            role,
            (endpoint.customDnsConfigs ?? []).map((c) => c.fqdn ?? ""),
          ) ?? zoneLinkProblems(topology, zone, vnetId, { who: `${role} VNet ${shortName(vnetId)}`, resourceId: zone.id, extensions: model?.extensions }),
        );
      }
      for (const name of names) {
        const recordName = recordOf(zone.name, name, workspaceGuid);
        if (!recordName) continue;
        const expected = name.ips;
        const record = zone.aRecords.find((r) => r.name?.toLowerCase() === recordName);
        const actual = (record?.aRecords ?? []).map((a) => a.ipv4Address);
        const ok = expected.length > 0 && expected.every((ip) => actual.includes(ip));
        recorder.record(
          {
            id: `dns.record:${name.fqdn}`,
            category: "dns",
            title: `${name.fqdn} has an A record${recordName.startsWith("*.") ? ` (${recordName})` : ""} in ${zone.name} pointing at ${expected.join(", ")}`,
            resourceId: zone.id,
          },
          ok
            ? []
            : [
                {
                  severity: "error",
                  message: record
                    ? `A record ${recordName} in ${zone.name} points at ${actual.join(", ") || "nothing"}, but private endpoint ${endpoint.name} has ${expected.join(", ")} for ${name.fqdn}.`
                    : `No A record ${recordName} in ${zone.name}: ${name.fqdn} (private endpoint ${endpoint.name}, ${expected.join(", ")}) does not resolve privately.`,
                  fix: `${zoneGroupCommand(endpoint.id as string, [zone.id])}   # or: ${aRecordCommand(zone.id, recordName, expected[0] ?? "<ip>")}`,
                },
              ],
        );
      }
    }
  }
}

/** An endpoint that lists no name with an IP anywhere cannot have its DNS judged: say so instead of passing. */
function recordNamesFound(endpoint: PrivateEndpoint, count: number, recorder: CheckRecorder): void {
  const id = endpoint.id as string;
  const nics = (endpoint.networkInterfaces ?? []).map((n) => n.id).filter(Boolean);
  recorder.record(
    { id: `dns.endpoint-names:${shortName(id)}`, category: "dns", title: `private endpoint ${endpoint.name} lists the names and IPs to check`, resourceId: id },
    count > 0
      ? []
      : [
          {
            severity: "error",
            message: `Private endpoint ${endpoint.name} lists no FQDN with a private IP (not in customDnsConfigs, not in its network interface's privateLinkConnectionProperties.fqdns${nics.length ? "" : " (it has no network interface)"}, not in its DNS zone group's record sets): its names and their DNS records cannot be checked.`,
            fix: nics.length
              ? `az network nic show --ids ${nics[0]} --query "ipConfigurations[].{ip: privateIPAddress, fqdns: privateLinkConnectionProperties.fqdns}" (grant the checking identity Reader on it if it cannot be read; re-create the endpoint if the list is empty)`
              : `re-create private endpoint ${endpoint.name}: az network private-endpoint show --ids ${id}`,
          },
        ],
  );
}
