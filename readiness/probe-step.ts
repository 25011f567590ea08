import { customDnsServers } from "./checks/dns-checks";
import type { CheckRecorder } from "./checks/recorder";
import { probeEndpoints, ProbeOptions, ProbeTarget } from "./probe/probe-endpoints";
import { probeFindings } from "./probe/probe-findings";
import { workspaceEndpoints } from "./topology/read-topology";
import type { Topology } from "./topology/topology";

/** Every FQDN of the workspace's private endpoints, with the private IP it must resolve to. */
export function probeTargets(topology: Topology): ProbeTarget[] {
  return workspaceEndpoints(topology).flatMap((endpoint) =>
    (endpoint.customDnsConfigs ?? [])
      .filter((config) => config.fqdn && config.ipAddresses?.length)
      .map((config) => ({ fqdn: config.fqdn as string, expectedIp: (config.ipAddresses as string[])[0], resourceId: endpoint.id as string, endpointName: endpoint.name as string })),
  );
}

/** The probe step of a check run on the agent: resolve and connect from here, report what was seen. */
export function probeStep(options: ProbeOptions): (topology: Topology, recorder: CheckRecorder) => Promise<void> {
  return async (topology, recorder) => {
    const results = await probeEndpoints(probeTargets(topology), options);
    const zoneIds: Record<string, string> = {};
    for (const zone of topology.zones.values()) if (zone.zone) zoneIds[zone.name.toLowerCase()] = zone.id;
    const { findings, checks } = probeFindings(results, {
      agentVnetId: topology.agentVnetId,
      agentDnsServers: customDnsServers(topology.vnets.get(topology.agentVnetId)),
      privateDnsZoneIds: zoneIds,
    });
    recorder.add(findings, checks);
  };
}
