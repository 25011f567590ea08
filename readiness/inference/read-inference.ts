import type { ComputeResource } from "@azure/arm-machinelearning";
import type { ClientsForSubscription } from "../topology/read-topology";
import { idParts } from "../topology/arm-id";
import type { Topology } from "../topology/topology";
import { clusterSubnetId, InferenceCluster, InferenceEndpoint, InferenceTopology, ReadFailure } from "./inference-topology";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

interface ArmLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** Keeps a failed read as data (the checks turn it into a finding) instead of stopping the whole check. */
function failure(error: unknown, fallbackAction: string): ReadFailure {
  const e = error as ArmLikeError;
  if (e?.statusCode !== 403 && e?.statusCode !== 404 && e?.code !== "AuthorizationFailed") throw error;
  const action = /perform action '([^']+)'/.exec(e.message ?? "")?.[1] ?? (e.statusCode === 403 ? fallbackAction : undefined);
  return { status: e.statusCode, action, message: (e.message ?? "").split("\n")[0] };
}

function isInference(compute: ComputeResource): compute is ComputeResource & { id: string; name: string } {
  const type = compute.properties?.computeType;
  return !!compute.id && !!compute.name && (type === "AKS" || type === "Kubernetes");
}

/**
 * Reads what inference targets need: the managed cluster behind each AKS / Kubernetes compute, the role assignments
 * at or above the cluster's subnet, and the workspace's online endpoints with their deployments. Returns the
 * subscriptions of the clusters' subnets, whose networks the topology must list too.
 */
export async function readInference(topology: Topology, clientsFor: ClientsForSubscription): Promise<string[]> {
  const ws = idParts(topology.workspace.id);
  const inference: InferenceTopology = { clusters: [], endpoints: [] };
  topology.inference = inference;
  const clusters = topology.computes.filter(isInference).map((compute): InferenceCluster => ({
    compute,
    computeType: compute.properties?.computeType as "AKS" | "Kubernetes",
    clusterId: (compute.properties as { resourceId?: string } | undefined)?.resourceId,
  }));
  inference.clusters = clusters;
  await Promise.all([
    ...clusters.map(async (entry) => {
      if (!entry.clusterId || !/\/providers\/Microsoft\.ContainerService\/managedClusters\//i.test(entry.clusterId)) return;
      const { subscriptionId, resourceGroup, name } = idParts(entry.clusterId);
      try {
        entry.cluster = await clientsFor(subscriptionId).containerService.managedClusters.get(resourceGroup, name);
      } catch (error) {
        entry.clusterRead = failure(error, "Microsoft.ContainerService/managedClusters/read");
        return;
      }
      const subnetId = clusterSubnetId(entry);
      if (!subnetId) return;
      try {
        entry.roleAssignments = await collect(
          clientsFor(idParts(subnetId).subscriptionId).authorization.roleAssignments.listForScope(subnetId, { filter: "atScope()" }),
        );
      } catch (error) {
        entry.roleRead = failure(error, "Microsoft.Authorization/roleAssignments/read");
      }
    }),
    readEndpoints(clientsFor, ws, inference),
  ]);
  return clusters
    .map(clusterSubnetId)
    .filter((id): id is string => !!id)
    .map((id) => idParts(id).subscriptionId);
}

async function readEndpoints(
  clientsFor: ClientsForSubscription,
  ws: { subscriptionId: string; resourceGroup: string; name: string },
  inference: InferenceTopology,
): Promise<void> {
  const ml = clientsFor(ws.subscriptionId).machineLearning;
  try {
    const endpoints = await collect(ml.onlineEndpoints.list(ws.resourceGroup, ws.name));
    inference.endpoints = await Promise.all(
      endpoints
        .filter((e): e is typeof e & { id: string; name: string } => !!e.id && !!e.name)
        .map(async (endpoint): Promise<InferenceEndpoint> => ({
          endpoint,
          deployments: await collect(ml.onlineDeployments.list(ws.resourceGroup, ws.name, endpoint.name)),
        })),
    );
  } catch (error) {
    inference.endpointsRead = failure(error, "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read");
  }
}
