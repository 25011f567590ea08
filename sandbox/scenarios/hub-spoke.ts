/**
 * Hub-and-spoke across two subscriptions, the layout most enterprises use: the hub subscription holds the private
 * DNS zones and the VNet of the self-hosted agents; the spoke (the sandbox's default subscription) holds the AML
 * workspace, its dependencies, their private endpoints and the AML VNet. The VNets are peered both ways across the
 * subscriptions, every hub zone is linked to both VNets, and the spoke endpoints' zone groups point at the hub
 * zones (so their A records are written there). Not a named scenario: tests call {@link buildHubSpoke} on an
 * empty sandbox.
 */
import type { SandboxDirectory } from "../directory";
import { API } from "./api-versions";
import { putTrainingCluster, putWorkspaceEndpoints } from "./workspace-endpoints";
import type { InProcessArmClient } from "./in-process-client";
import { AGENT_VNET_SPACE, AML_VNET_SPACE, REFERENCE_ZONES, referenceNames, securityRuleBody, trainingRules } from "./reference-topology";

/** The hub subscription's ID: fixed, so tests and logs can name it. */
export const HUB_SUBSCRIPTION_ID = "0b0b0b0b-1111-4222-8333-0000000000a1";

export interface HubSpokeIds {
  hubSubscriptionId: string;
  spokeSubscriptionId: string;
  hubResourceGroup: string;
  spokeResourceGroup: string;
  workspaceId: string;
  /** The agents' VNet, in the hub. */
  agentVnetId: string;
  /** The AML VNet (training subnet and endpoints), in the spoke. */
  amlVnetId: string;
  /** A hub private DNS zone's ID. */
  zoneId: (zone: string) => string;
  /** The link from a hub zone to the agent VNet. */
  agentLinkId(zone: string): string;
}

/** IDs of the hub-and-spoke layout for the sandbox whose default subscription is `spokeSubscriptionId`. */
export function hubSpokeIds(spokeSubscriptionId: string): HubSpokeIds {
  const n = referenceNames(spokeSubscriptionId);
  const hubRg = `/subscriptions/${HUB_SUBSCRIPTION_ID}/resourceGroups/rg-hub-network`;
  const spokeRg = `/subscriptions/${spokeSubscriptionId}/resourceGroups/${n.resourceGroup}`;
  const zoneId = (zone: string): string => `${hubRg}/providers/Microsoft.Network/privateDnsZones/${zone}`;
  return {
    hubSubscriptionId: HUB_SUBSCRIPTION_ID,
    spokeSubscriptionId,
    hubResourceGroup: "rg-hub-network",
    spokeResourceGroup: n.resourceGroup,
    workspaceId: `${spokeRg}/providers/Microsoft.MachineLearningServices/workspaces/${n.workspace}`,
    agentVnetId: `${hubRg}/providers/Microsoft.Network/virtualNetworks/vnet-hub-agents`,
    amlVnetId: `${spokeRg}/providers/Microsoft.Network/virtualNetworks/${n.amlVnet}`,
    zoneId,
    agentLinkId: (zone) => `${zoneId(zone)}/virtualNetworkLinks/link-vnet-hub-agents`,
  };
}

/** Registers the hub subscription (with Contributor on it for the default app) and builds both sides through ARM. */
export function buildHubSpoke(arm: InProcessArmClient, directory: SandboxDirectory): HubSpokeIds {
  const ids = hubSpokeIds(directory.subscriptionId);
  directory.subscriptions.add(ids.hubSubscriptionId);
  const hubScope = `/subscriptions/${ids.hubSubscriptionId}`;
  if (!directory.defaultApp.roleAssignments.some((a) => a.scope.toLowerCase() === hubScope)) directory.defaultApp.roleAssignments.push({ scope: hubScope, role: "Contributor" });
  buildHub(arm, ids);
  buildSpoke(arm, directory, ids);
  return ids;
}

const ruleBody = (name: string, priority: number, access: "Allow" | "Deny", direction: "Inbound" | "Outbound", source: string) => ({
  name,
  properties: { protocol: "*", access, priority, direction, sourcePortRange: "*", destinationPortRange: "*", sourceAddressPrefix: source, destinationAddressPrefix: "*" },
});

function buildHub(arm: InProcessArmClient, ids: HubSpokeIds): void {
  const location = "westeurope";
  const hubRg = `/subscriptions/${ids.hubSubscriptionId}/resourceGroups/${ids.hubResourceGroup}`;
  const net = `${hubRg}/providers/Microsoft.Network`;
  arm.put(hubRg, API.resources, { location, tags: { scenario: "hub-spoke", role: "hub" } });
  arm.put(`${net}/networkSecurityGroups/nsg-hub-agents`, API.network, { location, properties: { securityRules: [ruleBody("DenyInternetInbound", 4000, "Deny", "Inbound", "Internet")] } });
  arm.put(ids.agentVnetId, API.network, {
    location,
    properties: {
      addressSpace: { addressPrefixes: [AGENT_VNET_SPACE] },
      subnets: [{ name: "snet-agents", properties: { addressPrefix: "10.20.1.0/24", networkSecurityGroup: { id: `${net}/networkSecurityGroups/nsg-hub-agents` } } }],
    },
  });
  for (const zone of REFERENCE_ZONES) arm.put(ids.zoneId(zone), API.privateDns, { location: "global" });
}

function buildSpoke(arm: InProcessArmClient, directory: SandboxDirectory, ids: HubSpokeIds): void {
  const n = referenceNames(ids.spokeSubscriptionId);
  const location = n.location;
  const rg = `/subscriptions/${ids.spokeSubscriptionId}/resourceGroups/${ids.spokeResourceGroup}`;
  const net = `${rg}/providers/Microsoft.Network`;
  arm.put(rg, API.resources, { location, tags: { scenario: "hub-spoke", role: "spoke" } });
  const nsgId = `${net}/networkSecurityGroups/${n.trainingNsg}`;
  arm.put(nsgId, API.network, { location, properties: { securityRules: trainingRules(location).map((rule) => ({ name: rule[0], ...securityRuleBody(rule) })) } });
  arm.put(ids.amlVnetId, API.network, {
    location,
    properties: {
      addressSpace: { addressPrefixes: [AML_VNET_SPACE] },
      subnets: [
        { name: n.trainingSubnet, properties: { addressPrefix: "10.10.1.0/24", networkSecurityGroup: { id: nsgId } } },
        { name: n.endpointSubnet, properties: { addressPrefix: "10.10.2.0/24", privateEndpointNetworkPolicies: "Disabled" } },
      ],
    },
  });
  // Peering both ways across the subscriptions; links from every hub zone to both VNets.
  const peering = { allowVirtualNetworkAccess: true, allowForwardedTraffic: true };
  arm.put(`${ids.amlVnetId}/virtualNetworkPeerings/peer-spoke-to-hub`, API.network, { properties: { ...peering, remoteVirtualNetwork: { id: ids.agentVnetId } } });
  arm.put(`${ids.agentVnetId}/virtualNetworkPeerings/peer-hub-to-spoke`, API.network, { properties: { ...peering, remoteVirtualNetwork: { id: ids.amlVnetId } } });
  for (const zone of REFERENCE_ZONES) {
    const link = { location: "global", properties: { registrationEnabled: false } };
    arm.put(`${ids.zoneId(zone)}/virtualNetworkLinks/link-${n.amlVnet}`, API.privateDns, { ...link, properties: { ...link.properties, virtualNetwork: { id: ids.amlVnetId } } });
    arm.put(ids.agentLinkId(zone), API.privateDns, { ...link, properties: { ...link.properties, virtualNetwork: { id: ids.agentVnetId } } });
  }

  const storageId = `${rg}/providers/Microsoft.Storage/storageAccounts/${n.storage}`;
  const vaultId = `${rg}/providers/Microsoft.KeyVault/vaults/${n.vault}`;
  const registryId = `${rg}/providers/Microsoft.ContainerRegistry/registries/${n.registry}`;
  const insightsId = `${rg}/providers/Microsoft.Insights/components/${n.insights}`;
  arm.put(storageId, API.storage, { location, sku: { name: "Standard_LRS" }, kind: "StorageV2", properties: { publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny", bypass: "AzureServices" } } });
  arm.put(vaultId, API.keyVault, { location, properties: { tenantId: directory.tenantId, sku: { family: "A", name: "standard" }, publicNetworkAccess: "Disabled" } });
  arm.put(registryId, API.registry, { location, sku: { name: "Premium" }, properties: { publicNetworkAccess: "Disabled", adminUserEnabled: false } });
  arm.put(insightsId, API.insights, { location, kind: "web", properties: { Application_Type: "web" } });
  const workspaceProperties = { friendlyName: n.workspace, storageAccount: storageId, keyVault: vaultId, containerRegistry: registryId, applicationInsights: insightsId, publicNetworkAccess: "Disabled", v1LegacyMode: false };
  arm.put(ids.workspaceId, API.ml, { location, identity: { type: "SystemAssigned" }, properties: workspaceProperties });

  putWorkspaceEndpoints(arm, { workspaceId: ids.workspaceId, storageId, vaultId, registryId, endpointRgNetworkId: net, location, endpointSubnetId: `${ids.amlVnetId}/subnets/${n.endpointSubnet}`, zoneId: ids.zoneId });
  putTrainingCluster(arm, { workspaceId: ids.workspaceId, location, subnetId: `${ids.amlVnetId}/subnets/${n.trainingSubnet}`, cluster: n.cluster, workspaceBody: { location, identity: { type: "SystemAssigned" }, properties: workspaceProperties } });
}
