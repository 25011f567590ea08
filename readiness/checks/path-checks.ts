/**
 * Every flow the work needs, judged by the path model: the agents → workspace, blob, file, vault, registry (443);
 * every compute → the same, plus file on 445; one check per source and endpoint, whose finding names the source,
 * the endpoint's IP and port, and the hop that breaks. Compute VNets also need the endpoints' zones linked.
 */
import type { Category } from "../finding";
import { judgedComputes } from "../path/compute-sources";
import { zoneLinkProblems, zoneStateFor } from "../path/dns";
import type { PathModel } from "../path/path-model";
import { agentSources } from "../path/sources";
import { mergeAllowFixes } from "../path/nsg-fixes";
import { endpointFlows, type EndpointFlows } from "../path/targets";
import type { HopKind, PathSource } from "../path/types";
import { zonesForGroup } from "../../network/private-link-zones";
import { sameId, shortName, vnetIdOfSubnet } from "../topology/arm-id";
import { connectionsOf, workspaceEndpoints } from "../topology/read-topology";
import type { Topology } from "../topology/topology";
import type { CheckRecorder } from "./recorder";

const HOP_CATEGORY: Record<HopKind, Category> = {
  "source-nsg": "nsg",
  "endpoint-nsg": "nsg",
  route: "route",
  appliance: "route",
  gateway: "route",
  peering: "peering",
  dns: "dns",
};

export function checkPaths(topology: Topology, recorder: CheckRecorder, model: PathModel): void {
  const agentFlows = endpointFlows(topology, "agent");
  for (const source of agentSources(topology)) checkSource(model, source, agentFlows, recorder);
  const computeFlows = endpointFlows(topology, "compute");
  const computeVnets = new Map<string, string[]>();
  for (const compute of judgedComputes(topology)) {
    if (!compute.source) continue;
    checkSource(model, compute.source, computeFlows, recorder);
    const key = compute.source.vnetId;
    computeVnets.set(key, [...(computeVnets.get(key) ?? []), compute.name]);
  }
  checkComputeDns(topology, model, computeVnets, recorder);
}

/** One check per endpoint the source needs (any subnet: AKS node pools judge their flows through this too). */
export function checkSource(model: PathModel, source: PathSource, flows: EndpointFlows[], recorder: CheckRecorder): void {
  for (const flow of flows) {
    if (flow.targets.length === 0) continue;
    const ports = [...new Set(flow.targets.map((t) => t.port))].join(", ");
    const name = flow.endpoint.name ?? shortName(flow.endpoint.id);
    const spec = {
      id: `path.reach:${source.key}:${name}`,
      category: "private-endpoint" as Category,
      title: `${source.label} reaches ${name} (${flow.targets[0].service}) on TCP ${ports}`,
      resourceId: source.resourceId,
    };
    const failures = flow.targets.map((target) => ({ target, verdict: model.reach(source, target) })).filter((r) => !r.verdict.reachable);
    const failed = failures[0];
    const broken = failed?.verdict.broken;
    if (!failed || !broken) {
      recorder.record(spec);
      continue;
    }
    // Every address of the endpoint broken at the same hop is fixed by this finding's one fix (applied as printed,
    // it leaves none of them blocked); other hops' breaks show once this one is fixed.
    const sameHop = failures.filter((r) => r.verdict.broken?.kind === broken.kind && r.verdict.broken.resourceId === broken.resourceId);
    const others = sameHop.slice(1).map((r) => `${r.target.ip}:${r.target.port}`);
    recorder.record(spec, [
      {
        category: HOP_CATEGORY[broken.kind],
        severity: broken.severity,
        message: `${source.label} cannot reach ${name} ${failed.target.ip}:${failed.target.port}: ${broken.reason}.${others.length ? ` The same holds for ${others.join(", ")}.` : ""}`,
        fix: mergeAllowFixes(sameHop.map((r) => r.verdict.broken?.fix ?? "")),
        resourceId: broken.resourceId,
      },
    ]);
  }
}

/**
 * The zones the endpoints need, linked to each compute VNet (the agent and endpoint VNets are judged by the DNS
 * checks). A missing link is reported on the compute VNet, naming the computes that resolve from it.
 */
function checkComputeDns(topology: Topology, model: PathModel, computeVnets: Map<string, string[]>, recorder: CheckRecorder): void {
  const endpoints = workspaceEndpoints(topology);
  const covered = [topology.agentVnetId, ...endpoints.map((e) => (e.subnet?.id ? vnetIdOfSubnet(e.subnet.id) : undefined))];
  const checked = new Set<string>();
  for (const [vnetId, computes] of computeVnets) {
    if (covered.some((id) => sameId(id, vnetId))) continue;
    for (const endpoint of endpoints) {
      for (const group of connectionsOf(endpoint).flatMap((c) => c.groupIds ?? [])) {
        for (const zoneName of zonesForGroup(group, topology.cloud)) {
          const zone = zoneStateFor(topology, endpoint, zoneName);
          const key = `${zoneName}|${vnetId}`.toLowerCase();
          if (!zone || checked.has(key)) continue;
          checked.add(key);
          const who = `${shortName(vnetId)}, where ${computes.join(", ")} run${computes.length === 1 ? "s" : ""}`;
          recorder.record(
            {
              id: `dns.zone-linked:${zone.name}:${shortName(vnetId)}`,
              category: "dns",
              title: `${zone.name} is linked to compute VNet ${shortName(vnetId)}`,
              resourceId: vnetId,
            },
            zoneLinkProblems(topology, zone, vnetId, { who, resourceId: vnetId, extensions: model.extensions }),
          );
        }
      }
    }
  }
}
