import type { RoleAssignment } from "@azure/arm-authorization";
import type { ManagedCluster } from "@azure/arm-containerservice";
import type { AKSSchemaProperties, ComputeResource, OnlineDeployment, OnlineEndpoint } from "@azure/arm-machinelearning";

/** A read that failed: 403 names the missing action, 404 means the resource is gone. */
export interface ReadFailure {
  status?: number;
  /** The action ARM said is missing (403), e.g. Microsoft.Authorization/roleAssignments/read. */
  action?: string;
  message: string;
}

/** An AKS or Kubernetes compute, the managed cluster behind it, and the role assignments of the cluster's identity. */
export interface InferenceCluster {
  compute: ComputeResource & { id: string; name: string };
  computeType: "AKS" | "Kubernetes";
  /** properties.resourceId of the compute: the cluster's ARM ID (undefined for a cluster AML has not attached). */
  clusterId?: string;
  cluster?: ManagedCluster;
  clusterRead?: ReadFailure;
  /** Role assignments at or above the cluster's subnet (atScope()), all principals; filtered by the checks. */
  roleAssignments?: RoleAssignment[];
  roleRead?: ReadFailure;
}

export interface InferenceEndpoint {
  endpoint: OnlineEndpoint & { id: string; name: string };
  deployments: OnlineDeployment[];
}

/** What the inference checks read beyond the training topology. */
export interface InferenceTopology {
  clusters: InferenceCluster[];
  endpoints: InferenceEndpoint[];
  endpointsRead?: ReadFailure;
}

export function aksProperties(cluster: InferenceCluster): AKSSchemaProperties {
  return (cluster.compute.properties as { properties?: AKSSchemaProperties } | undefined)?.properties ?? {};
}

/** The subnet the cluster's nodes sit in: its first agent pool with a subnet, else the AML networking configuration. */
export function clusterSubnetId(cluster: InferenceCluster): string | undefined {
  return cluster.cluster?.agentPoolProfiles?.find((p) => p.vnetSubnetID)?.vnetSubnetID ?? aksProperties(cluster).aksNetworkingConfiguration?.subnetId;
}

/** The principal AKS acts as on Azure resources: its system identity, else its first user-assigned identity. */
export function clusterPrincipalId(cluster: ManagedCluster | undefined): string | undefined {
  if (!cluster) return undefined;
  if (cluster.identity?.principalId) return cluster.identity.principalId;
  return Object.values(cluster.identity?.userAssignedIdentities ?? {}).find((u) => u.principalId)?.principalId;
}
