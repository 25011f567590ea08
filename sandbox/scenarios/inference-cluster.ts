import { guidFrom } from "../http/random";
import { API } from "./api-versions";
import type { InProcessArmClient } from "./in-process-client";

export interface InferenceClusterInput {
  resourceGroupId: string;
  workspaceId: string;
  location: string;
  vnetId: string;
  subnetName: string;
  subnetPrefix: string;
  clusterName: string;
  computeName: string;
  serviceCidr: string;
  dnsServiceIP: string;
}

/**
 * An inference cluster as seed 002 describes it: a private AKS cluster in its own subnet of the AML VNet, service
 * range outside every subnet, its identity Network Contributor on the VNet's resource group, attached to the
 * workspace as an AKS compute with an internal load balancer.
 */
export function putInferenceCluster(arm: InProcessArmClient, input: InferenceClusterInput): { clusterId: string; computeId: string; principalId: string } {
  const subnetId = `${input.vnetId}/subnets/${input.subnetName}`;
  arm.put(subnetId, API.network, { properties: { addressPrefix: input.subnetPrefix } });
  const clusterId = `${input.resourceGroupId}/providers/Microsoft.ContainerService/managedClusters/${input.clusterName}`;
  const cluster = arm.put(clusterId, API.containerService, {
    location: input.location,
    identity: { type: "SystemAssigned" },
    properties: {
      dnsPrefix: input.clusterName,
      agentPoolProfiles: [
        { name: "system", count: 3, vmSize: "Standard_D4s_v5", mode: "System", osType: "Linux", type: "VirtualMachineScaleSets", vnetSubnetID: subnetId },
      ],
      networkProfile: {
        networkPlugin: "azure",
        serviceCidr: input.serviceCidr,
        dnsServiceIP: input.dnsServiceIP,
        outboundType: "loadBalancer",
        loadBalancerSku: "standard",
      },
      apiServerAccessProfile: { enablePrivateCluster: true },
    },
  }) as { identity: { principalId: string } };
  const principalId = cluster.identity.principalId;
  const networkContributor = "4d97b98b-1d4f-4787-a291-c67834d212e7";
  const subscriptionId = input.resourceGroupId.split("/")[2];
  const vnetGroup = input.vnetId.replace(/\/providers\/.*$/i, "");
  arm.put(`${vnetGroup}/providers/Microsoft.Authorization/roleAssignments/${guidFrom(clusterId.toLowerCase() + networkContributor)}`, API.authorization, {
    properties: {
      roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${networkContributor}`,
      principalId,
      principalType: "ServicePrincipal",
    },
  });
  const computeId = `${input.workspaceId}/computes/${input.computeName}`;
  arm.put(computeId, API.ml, {
    location: input.location,
    properties: {
      computeType: "AKS",
      resourceId: clusterId,
      properties: {
        clusterPurpose: "FastProd",
        loadBalancerType: "InternalLoadBalancer",
        loadBalancerSubnet: input.subnetName,
        aksNetworkingConfiguration: { subnetId, serviceCidr: input.serviceCidr, dnsServiceIP: input.dnsServiceIP, dockerBridgeCidr: "172.17.0.1/16" },
      },
    },
  });
  return { clusterId, computeId, principalId };
}
