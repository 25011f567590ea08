import { customDnsServers } from "./checks/dns-checks";
import type { CheckRecorder } from "./checks/recorder";
import { probeEndpoints, ProbeOptions, ProbeTarget } from "./probe/probe-endpoints";
import { probeFindings } from "./probe/probe-findings";
import { concreteProbeName } from "./probe/wildcards";
import { endpointNames, workspaceGuidOf } from "./topology/endpoint-names";
import { zoneFor } from "./probe/zones";
import { sameId } from "./topology/arm-id";
import { workspaceEndpoints } from "./topology/read-topology";
import type { Topology } from "./topology/topology";

/**
 * Every name of the workspace's private endpoints (customDnsConfigs, NIC and zone group merged), with the private IP
 * it must resolve to; a wildcard is probed through a concrete name under it, or listed in `notProbeable`.
 */
export function probeTargets(topology: Topology): ProbeTarget[] {
  return probePlan(topology).targets;
}

interface ProbePlan {
  targets: ProbeTarget[];
  notProbeable: Array<{ fqdn: string; ip: string; resourceId: string; endpointName: string }>;
}

function probePlan(topology: Topology): ProbePlan {
  const plan: ProbePlan = { targets: [], notProbeable: [] };
  for (const endpoint of workspaceEndpoints(topology)) {
    const names = endpointNames(topology, endpoint).filter((n) => n.ips.length > 0);
    const guid = workspaceGuidOf(topology, names);
    for (const name of names) {
      const where = { resourceId: endpoint.id as string, endpointName: endpoint.name as string };
      const concrete = concreteProbeName(name.fqdn, guid);
      if (!concrete) {
        plan.notProbeable.push({ fqdn: name.fqdn, ip: name.ips[0], ...where });
        continue;
      }
      plan.targets.push({
        fqdn: concrete.fqdn,
        expectedIp: name.ips[0],
        ...where,
        ...(concrete.fqdn !== name.fqdn ? { underWildcard: name.fqdn } : {}),
        ...(concrete.recordName && concrete.zone ? { record: { zone: concrete.zone, name: concrete.recordName } } : {}),
      });
    }
  }
  return plan;
}

/** For each probed name, the A record IPs the private DNS zones linked to the agent VNet hold (what Azure DNS answers there). */
function zoneAnswers(topology: Topology, targets: ProbeTarget[]): Record<string, string[]> {
  const answers: Record<string, string[]> = {};
  for (const target of targets) {
    const match = zoneFor(target.fqdn);
    // A name probed under a wildcard is left to the wildcard checks (probe-findings blames the wildcard record).
    if (target.underWildcard) continue;
    const zoneName = match?.privateZone;
    const recordName = match?.recordName;
    const zone =
      zoneName &&
      [...topology.zones.values()].find(
        (z) => z.zone && z.name.toLowerCase() === zoneName.toLowerCase() && z.links.some((link) => sameId(link.virtualNetwork?.id, topology.agentVnetId)),
      );
    const records = zone ? zone.aRecords.filter((r) => r.name?.toLowerCase() === recordName?.toLowerCase()) : [];
    answers[target.fqdn.toLowerCase()] = records.flatMap((r) => (r.aRecords ?? []).flatMap((a) => (a.ipv4Address ? [a.ipv4Address] : [])));
  }
  return answers;
}

/** The probe step of a check run on the agent: resolve and connect from here, report what was seen. */
export function probeStep(options: ProbeOptions): (topology: Topology, recorder: CheckRecorder) => Promise<void> {
  return async (topology, recorder) => {
    const plan = probePlan(topology);
    const results = await probeEndpoints(plan.targets, options);
    const zoneIds: Record<string, string> = {};
    for (const zone of topology.zones.values()) if (zone.zone) zoneIds[zone.name.toLowerCase()] = zone.id;
    const { findings, checks } = probeFindings(results, {
      agentVnetId: topology.agentVnetId,
      agentDnsServers: customDnsServers(topology.vnets.get(topology.agentVnetId)),
      privateDnsZoneIds: zoneIds,
      zoneAnswers: zoneAnswers(
        topology,
        results.map((r) => r.target),
      ),
    });
    recorder.add(findings, checks);
    for (const skipped of plan.notProbeable) {
      const id = `probe.dns:${skipped.fqdn}`;
      recorder.add(
        [
          {
            id,
            category: "probe",
            severity: "info",
            resourceId: skipped.resourceId,
            message: `${skipped.fqdn} (private endpoint ${skipped.endpointName}, ${skipped.ip}) is a wildcard and no concrete name under it is known (the workspace GUID is missing), so it was not probed.`,
            fix: `check the wildcard record in its private DNS zone by hand: nslookup <online-endpoint>.${skipped.fqdn.slice(2)} should answer ${skipped.ip}`,
          },
        ],
        [
          {
            id,
            category: "probe",
            title: `${skipped.fqdn} resolves to ${skipped.ip} (private endpoint ${skipped.endpointName}; wildcard, not probed)`,
            resourceId: skipped.resourceId,
            findingIds: [id],
          },
        ],
      );
    }
  };
}
