/**
 * A landing zone across two subscriptions, the layout most enterprises use. The hub subscription holds the hub VNet
 * (Azure Firewall whose policy allows the AML compute flows, DNS Private Resolver, forwarding ruleset), the central
 * private DNS zones linked to the hub VNet only, and the agents' spoke VNet; the spoke subscription (the sandbox's
 * default) holds the AML workspace, its dependencies, their private endpoints and the AML spoke VNet. Both spokes
 * send 0.0.0.0/0 to the firewall and use the resolver's inbound endpoint as their DNS server; they are peered with
 * the hub and with each other (agents reach the endpoints directly). `amlvnet sandbox --scenario hub-spoke`.
 */
import type { SandboxDirectory } from "../directory";
import { API } from "./api-versions";
import { buildLandingZoneHub, FIREWALL_PRIVATE_IP, LandingZoneHubIds, landingZoneHubIds, RESOLVER_INBOUND_IP } from "./landing-zone-hub";
import { putTrainingCluster, putWorkspaceEndpoints, putWorkspaceWithDependencies } from "./workspace-endpoints";
import type { InProcessArmClient } from "./in-process-client";
import { AGENT_VNET_SPACE, AML_VNET_SPACE, DENY_INTERNET_INBOUND, REFERENCE_ZONES, referenceNames, trainingSecurityRules } from "./reference-topology";

/** The hub subscription's ID: fixed, so tests and logs can name it. */
export const HUB_SUBSCRIPTION_ID = "0b0b0b0b-1111-4222-8333-0000000000a1";

export interface HubSpokeIds {
  hubSubscriptionId: string;
  spokeSubscriptionId: string;
  hubResourceGroup: string;
  spokeResourceGroup: string;
  workspaceId: string;
  /** The agents' spoke VNet, in the hub subscription. */
  agentVnetId: string;
  /** The AML spoke VNet (training subnet and endpoints), in the spoke subscription. */
  amlVnetId: string;
  /** Firewall, policy, resolver and ruleset of the hub. */
  hub: LandingZoneHubIds;
  /** The route tables of the two spokes (0.0.0.0/0 to the firewall). */
  amlRouteTableId: string;
  agentRouteTableId: string;
  /** A central private DNS zone's ID. */
  zoneId: (zone: string) => string;
  /** The link from a central zone to the hub VNet. */
  hubLinkId: (zone: string) => string;
}

/** IDs of the landing zone for the sandbox whose default subscription is `spokeSubscriptionId`. */
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
    hub: landingZoneHubIds(hubRg),
    amlRouteTableId: `${spokeRg}/providers/Microsoft.Network/routeTables/rt-aml-to-hub`,
    agentRouteTableId: `${hubRg}/providers/Microsoft.Network/routeTables/rt-agents-to-hub`,
    zoneId,
    hubLinkId: (zone) => `${zoneId(zone)}/virtualNetworkLinks/link-vnet-hub`,
  };
}

/** Registers the hub subscription (with Contributor on it for the default app) and builds both sides through ARM. */
export function buildHubSpoke(arm: InProcessArmClient, directory: SandboxDirectory): HubSpokeIds {
  const ids = hubSpokeIds(directory.subscriptionId);
  directory.subscriptions.add(ids.hubSubscriptionId);
  const hubScope = `/subscriptions/${ids.hubSubscriptionId}`;
  if (!directory.defaultApp.roleAssignments.some((a) => a.scope.toLowerCase() === hubScope))
    directory.defaultApp.roleAssignments.push({ scope: hubScope, role: "Contributor" });
  buildHub(arm, ids);
  buildSpoke(arm, directory, ids);
  return ids;
}

/** Forced tunnelling: everything not in a peered VNet leaves through the hub's firewall. */
function putRouteTableToFirewall(arm: InProcessArmClient, routeTableId: string, location: string): void {
  arm.put(routeTableId, API.network, {
    location,
    properties: {
      routes: [
        { name: "default-to-firewall", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: FIREWALL_PRIVATE_IP } },
      ],
    },
  });
}

const peering = (remote: string) => ({ properties: { allowVirtualNetworkAccess: true, allowForwardedTraffic: true, remoteVirtualNetwork: { id: remote } } });

function buildHub(arm: InProcessArmClient, ids: HubSpokeIds): void {
  const location = "westeurope";
  const hubRg = `/subscriptions/${ids.hubSubscriptionId}/resourceGroups/${ids.hubResourceGroup}`;
  const net = `${hubRg}/providers/Microsoft.Network`;
  arm.put(hubRg, API.resources, { location, tags: { scenario: "hub-spoke", role: "hub" } });
  buildLandingZoneHub(arm, hubRg, location, [AML_VNET_SPACE, AGENT_VNET_SPACE]);
  // The central zones, linked to the hub VNet only: spokes reach them through the resolver.
  for (const zone of REFERENCE_ZONES) {
    arm.put(ids.zoneId(zone), API.privateDns, { location: "global" });
    arm.put(ids.hubLinkId(zone), API.privateDns, { location: "global", properties: { registrationEnabled: false, virtualNetwork: { id: ids.hub.hubVnetId } } });
  }
  arm.put(`${net}/networkSecurityGroups/nsg-hub-agents`, API.network, {
    location,
    properties: { securityRules: [DENY_INTERNET_INBOUND] },
  });
  putRouteTableToFirewall(arm, ids.agentRouteTableId, location);
  arm.put(ids.agentVnetId, API.network, {
    location,
    properties: {
      addressSpace: { addressPrefixes: [AGENT_VNET_SPACE] },
      dhcpOptions: { dnsServers: [RESOLVER_INBOUND_IP] },
      subnets: [
        {
          name: "snet-agents",
          properties: {
            addressPrefix: "10.20.1.0/24",
            networkSecurityGroup: { id: `${net}/networkSecurityGroups/nsg-hub-agents` },
            routeTable: { id: ids.agentRouteTableId },
          },
        },
      ],
    },
  });
  arm.put(`${ids.agentVnetId}/virtualNetworkPeerings/peer-agents-to-hub`, API.network, peering(ids.hub.hubVnetId));
  arm.put(`${ids.hub.hubVnetId}/virtualNetworkPeerings/peer-hub-to-agents`, API.network, peering(ids.agentVnetId));
}

function buildSpoke(arm: InProcessArmClient, directory: SandboxDirectory, ids: HubSpokeIds): void {
  const n = referenceNames(ids.spokeSubscriptionId);
  const location = n.location;
  const rg = `/subscriptions/${ids.spokeSubscriptionId}/resourceGroups/${ids.spokeResourceGroup}`;
  const net = `${rg}/providers/Microsoft.Network`;
  arm.put(rg, API.resources, { location, tags: { scenario: "hub-spoke", role: "spoke" } });
  const nsgId = `${net}/networkSecurityGroups/${n.trainingNsg}`;
  arm.put(nsgId, API.network, {
    location,
    properties: { securityRules: trainingSecurityRules(location) },
  });
  // Forced tunnelling: the no-public-IP cluster reaches AML, Batch, storage and MCR through the firewall only.
  putRouteTableToFirewall(arm, ids.amlRouteTableId, location);
  arm.put(ids.amlVnetId, API.network, {
    location,
    properties: {
      addressSpace: { addressPrefixes: [AML_VNET_SPACE] },
      dhcpOptions: { dnsServers: [RESOLVER_INBOUND_IP] },
      subnets: [
        { name: n.trainingSubnet, properties: { addressPrefix: "10.10.1.0/24", networkSecurityGroup: { id: nsgId }, routeTable: { id: ids.amlRouteTableId } } },
        { name: n.endpointSubnet, properties: { addressPrefix: "10.10.2.0/24", privateEndpointNetworkPolicies: "Disabled" } },
      ],
    },
  });
  // Each spoke peered with the hub; the agents' spoke peered with the AML spoke too, across the subscriptions.
  arm.put(`${ids.amlVnetId}/virtualNetworkPeerings/peer-aml-to-hub`, API.network, peering(ids.hub.hubVnetId));
  arm.put(`${ids.hub.hubVnetId}/virtualNetworkPeerings/peer-hub-to-aml`, API.network, peering(ids.amlVnetId));
  arm.put(`${ids.amlVnetId}/virtualNetworkPeerings/peer-spoke-to-hub`, API.network, peering(ids.agentVnetId));
  arm.put(`${ids.agentVnetId}/virtualNetworkPeerings/peer-hub-to-spoke`, API.network, peering(ids.amlVnetId));

  const { storageId, vaultId, registryId, workspaceBody } = putWorkspaceWithDependencies(arm, {
    resourceGroupId: rg,
    location,
    tenantId: directory.tenantId,
    names: n,
  });

  putWorkspaceEndpoints(arm, {
    workspaceId: ids.workspaceId,
    storageId,
    vaultId,
    registryId,
    endpointRgNetworkId: net,
    location,
    endpointSubnetId: `${ids.amlVnetId}/subnets/${n.endpointSubnet}`,
    zoneId: ids.zoneId,
  });
  putTrainingCluster(arm, {
    workspaceId: ids.workspaceId,
    location,
    subnetId: `${ids.amlVnetId}/subnets/${n.trainingSubnet}`,
    cluster: n.cluster,
    enableNodePublicIp: false,
    workspaceBody,
  });
}
