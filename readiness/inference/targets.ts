import { CheckSetupError } from "../errors";
import { shortName } from "../topology/arm-id";
import type { Topology } from "../topology/topology";

/** `aci` or `aci:<name>`: a deployment to Azure Container Instances (judged, never found in the workspace). */
const ACI = /^aci(:.+)?$/i;

export function isAciTarget(target: string): boolean {
  return ACI.test(target);
}

/**
 * Restricts the topology to what a stage uses: the named computes (training or inference) and online endpoints.
 * Workspace-wide requirements (its endpoints, DNS, peering) stay. A name that matches nothing stops the check
 * with the list of what the workspace has.
 */
export function selectTargets(topology: Topology, targets: string[] | undefined): void {
  if (!targets || targets.length === 0) return;
  const wanted = targets.filter((t) => !isAciTarget(t));
  const endpoints = topology.inference?.endpoints ?? [];
  const unknown = wanted.filter((t) => !topology.computes.some((c) => same(c.name, t)) && !endpoints.some((e) => same(e.endpoint.name, t)));
  if (unknown.length) {
    const computes = topology.computes.map((c) => `${c.name} (${c.properties?.computeType ?? "?"})`).join(", ") || "none";
    const online = endpoints.map((e) => e.endpoint.name).join(", ") || "none";
    throw new CheckSetupError(
      `target ${unknown.map((t) => `'${t}'`).join(", ")} names no compute or online endpoint of workspace ${shortName(topology.workspace.id)}; it has computes: ${computes}; online endpoints: ${online} (or use 'aci' for an Azure Container Instances deployment)`,
    );
  }
  topology.computes = topology.computes.filter((c) => wanted.some((t) => same(c.name, t)));
  if (topology.inference) {
    topology.inference.clusters = topology.inference.clusters.filter((c) => wanted.some((t) => same(c.compute.name, t)));
    topology.inference.endpoints = endpoints.filter((e) => wanted.some((t) => same(e.endpoint.name, t)));
  }
}

function same(a: string | undefined, b: string): boolean {
  return (a ?? "").toLowerCase() === b.toLowerCase();
}
