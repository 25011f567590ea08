import { idParts, shortName } from "../topology/arm-id";
import type { CheckRecorder, Problem } from "../checks/recorder";
import type { ClusterPlace } from "./cluster-place";
import { clusterPrincipalId } from "./inference-topology";

/** Built-in roles that carry what AKS needs on its subnet (Microsoft.Network/virtualNetworks/subnets/join/action, ...). */
const SUFFICIENT_ROLES: Record<string, string> = {
  "4d97b98b-1d4f-4787-a291-c67834d212e7": "Network Contributor",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
};

function within(scope: string, outer: string): boolean {
  const s = scope.toLowerCase();
  const o = outer.toLowerCase().replace(/\/+$/, "");
  return o === "" || s === o || s.startsWith(o + "/");
}

/**
 * Seed 002, "Rôle du contributeur de réseau": the AKS cluster's service principal or managed identity needs Network
 * Contributor on the resource group of its VNet (a narrower scope that still contains the subnet works too).
 */
export function checkNetworkContributor(place: ClusterPlace, recorder: CheckRecorder): void {
  const { entry, subnetId, computeName } = place;
  const cluster = entry.cluster;
  if (!cluster || !subnetId) return;
  const clusterId = cluster.id ?? place.clusterOrComputeId;
  const vnetGroup = `/subscriptions/${idParts(subnetId).subscriptionId}/resourceGroups/${idParts(subnetId).resourceGroup}`;
  const spec = {
    id: `inference.network-contributor:${computeName}`,
    category: "inference" as const,
    title: `identity of AKS cluster ${shortName(clusterId)} is Network Contributor on a scope containing ${shortName(subnetId)}`,
    resourceId: clusterId,
  };
  const principalId = clusterPrincipalId(cluster);
  if (!principalId) {
    const clientId = cluster.servicePrincipalProfile?.clientId;
    recorder.record(spec, [
      {
        severity: "warning",
        message: `AKS cluster ${shortName(clusterId)} acts as service principal ${clientId ?? "(unknown)"}, whose object ID ARM does not return: its Network Contributor role on ${vnetGroup} is NOT checked.`,
        fix: `az role assignment create --assignee ${clientId ?? "<service principal>"} --role "Network Contributor" --scope ${vnetGroup}`,
      },
    ]);
    return;
  }
  const fix = `az role assignment create --assignee-object-id ${principalId} --assignee-principal-type ServicePrincipal --role "Network Contributor" --scope ${vnetGroup}`;
  if (entry.roleRead || !entry.roleAssignments) {
    recorder.record(spec, [
      {
        severity: "warning",
        message: `Cannot list the role assignments on ${shortName(subnetId)}: the identity lacks '${entry.roleRead?.action ?? "Microsoft.Authorization/roleAssignments/read"}', so whether AKS cluster ${shortName(clusterId)} (principal ${principalId}) is Network Contributor on its VNet is NOT checked.`,
        fix: `Grant the identity running amlvnet Microsoft.Authorization/roleAssignments/read (Reader includes it) on ${vnetGroup}; if the cluster lacks the role: ${fix}`,
      },
    ]);
    return;
  }
  const granted = entry.roleAssignments.find(
    (a) =>
      a.principalId?.toLowerCase() === principalId.toLowerCase() &&
      SUFFICIENT_ROLES[(a.roleDefinitionId ?? "").split("/").pop()?.toLowerCase() ?? ""] &&
      within(subnetId, a.scope ?? ""),
  );
  const problems: Problem[] = granted
    ? []
    : [
        {
          severity: "error",
          message: `The identity of AKS cluster ${shortName(clusterId)} (principal ${principalId}, compute ${computeName}) has no Network Contributor role on a scope containing its subnet ${shortName(subnetId)} (resource group, VNet or subnet): AKS cannot join the subnet or create the load balancer for scoring.`,
          fix,
        },
      ];
  recorder.record(spec, problems);
}
