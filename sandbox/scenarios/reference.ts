import type { SandboxDirectory } from "../directory";
import { API } from "./api-versions";
import type { InProcessArmClient } from "./in-process-client";
import { putInferenceCluster } from "./inference-cluster";
import { putTrainingCluster, putWorkspaceEndpoints, putWorkspaceWithDependencies } from "./workspace-endpoints";
import { AGENT_VNET_SPACE, AML_VNET_SPACE, DENY_INTERNET_INBOUND, REFERENCE_ZONES, referenceNames, trainingSecurityRules } from "./reference-topology";

/** Builds the reference architecture through the sandbox's own ARM API, in dependency order. */
export function buildReference(arm: InProcessArmClient, directory: SandboxDirectory): void {
  const n = referenceNames(directory.subscriptionId);
  const rg = `/subscriptions/${n.subscriptionId}/resourceGroups/${n.resourceGroup}`;
  const net = `${rg}/providers/Microsoft.Network`;
  const location = n.location;
  arm.put(rg, API.resources, { location, tags: { scenario: "reference" } });

  const trainingRulesBody = trainingSecurityRules(location);
  arm.put(`${net}/networkSecurityGroups/${n.trainingNsg}`, API.network, { location, properties: { securityRules: trainingRulesBody } });
  arm.put(`${net}/networkSecurityGroups/${n.agentNsg}`, API.network, { location, properties: { securityRules: [DENY_INTERNET_INBOUND] } });
  arm.put(`${net}/virtualNetworks/${n.amlVnet}`, API.network, {
    location,
    properties: {
      addressSpace: { addressPrefixes: [AML_VNET_SPACE] },
      subnets: [
        {
          name: n.trainingSubnet,
          properties: { addressPrefix: "10.10.1.0/24", networkSecurityGroup: { id: `${net}/networkSecurityGroups/${n.trainingNsg}` } },
        },
        { name: n.endpointSubnet, properties: { addressPrefix: "10.10.2.0/24", privateEndpointNetworkPolicies: "Disabled" } },
      ],
    },
  });
  arm.put(`${net}/virtualNetworks/${n.agentVnet}`, API.network, {
    location,
    properties: {
      addressSpace: { addressPrefixes: [AGENT_VNET_SPACE] },
      subnets: [
        { name: n.agentSubnet, properties: { addressPrefix: "10.20.1.0/24", networkSecurityGroup: { id: `${net}/networkSecurityGroups/${n.agentNsg}` } } },
      ],
    },
  });
  const amlVnetId = `${net}/virtualNetworks/${n.amlVnet}`;
  const agentVnetId = `${net}/virtualNetworks/${n.agentVnet}`;
  const peering = { allowVirtualNetworkAccess: true, allowForwardedTraffic: true };
  arm.put(`${amlVnetId}/virtualNetworkPeerings/vp_amlvnet_basvnet`, API.network, { properties: { ...peering, remoteVirtualNetwork: { id: agentVnetId } } });
  arm.put(`${agentVnetId}/virtualNetworkPeerings/vp_basvnet_amlvnet`, API.network, { properties: { ...peering, remoteVirtualNetwork: { id: amlVnetId } } });

  const { workspaceId, storageId, vaultId, registryId, workspaceBody } = putWorkspaceWithDependencies(arm, {
    resourceGroupId: rg,
    location,
    tenantId: directory.tenantId,
    names: n,
  });

  const zoneId = (zone: string) => `${net}/privateDnsZones/${zone}`;
  for (const zone of REFERENCE_ZONES) {
    arm.put(zoneId(zone), API.privateDns, { location: "global" });
    for (const [vnetName, vnetId] of [
      [n.amlVnet, amlVnetId],
      [n.agentVnet, agentVnetId],
    ]) {
      arm.put(`${zoneId(zone)}/virtualNetworkLinks/link-${vnetName}`, API.privateDns, {
        location: "global",
        properties: { virtualNetwork: { id: vnetId }, registrationEnabled: false },
      });
    }
  }

  putWorkspaceEndpoints(arm, {
    workspaceId,
    storageId,
    vaultId,
    registryId,
    endpointRgNetworkId: net,
    location,
    endpointSubnetId: `${amlVnetId}/subnets/${n.endpointSubnet}`,
    zoneId,
  });
  putTrainingCluster(arm, { workspaceId, location, subnetId: `${amlVnetId}/subnets/${n.trainingSubnet}`, cluster: n.cluster, workspaceBody });
  putInferenceCluster(arm, {
    resourceGroupId: rg,
    workspaceId,
    location,
    vnetId: amlVnetId,
    subnetName: n.inferenceSubnet,
    subnetPrefix: "10.10.8.0/22",
    clusterName: n.inferenceCluster,
    computeName: n.inferenceCompute,
    serviceCidr: "10.100.0.0/16",
    dnsServiceIP: "10.100.0.10",
  });
}
