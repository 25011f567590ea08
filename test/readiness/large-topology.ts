/**
 * A generated hub-and-spoke topology, built in memory as the engine's Topology (no ARM), to measure the CPU the
 * checks take on a large estate: the hub VNet holds the agents and a firewall (10.0.0.4); every spoke has training
 * subnets sharing its NSG (the SDK v1 rules plus realistic extra rules), one compute cluster each, half of the spokes
 * with node public IPs and half without (those get a NAT gateway); spoke 1 also holds the workspace's private
 * endpoints, which the other spokes reach through the hub: a route 10.0.0.0/8 → the firewall, and spoke 1 accepting
 * forwarded traffic. Six private DNS zones are linked to every VNet. It is correct by construction, so judging it
 * must find nothing.
 */
import type { PrivateEndpoint, SecurityRule, VirtualNetwork, VirtualNetworkPeering } from "@azure/arm-network";
import { recordNameIn, zonesForGroup } from "../../network/private-link-zones";
import type { ReadinessOptions } from "../../readiness/engine";
import { emptyTopology, type Topology, type ZoneState } from "../../readiness/topology/topology";
import { REFERENCE_ZONES, trainingRules } from "../../sandbox/scenarios/reference-topology";

export interface LargeTopologyOptions {
  /** VNets in all: one hub and `vnets - 1` spokes (at most 255). */
  vnets: number;
  /** Custom security rules in all, spread over the spokes' NSGs (at least 14 per NSG). */
  nsgRules: number;
  /** Compute subnets (one cluster each) in all, spread over the spokes; default one per spoke. */
  computeSubnets?: number;
}

export interface LargeTopology {
  topology: Topology;
  options: ReadinessOptions;
  counts: { vnets: number; nsgs: number; nsgRules: number; computes: number; endpoints: number; zoneLinks: number };
}

const SUB = "0c0c0c0c-2222-4333-8444-000000000200";
const REGION = "westeurope";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-large`;
const NET = `${RG}/providers/Microsoft.Network`;
const GUID = "5e1f0000-aaaa-4bbb-8ccc-000000000001";
const FIREWALL_IP = "10.0.0.4";

type Peer = Pick<VirtualNetwork, "id" | "addressSpace">;

function peering(from: string, to: Peer): VirtualNetworkPeering {
  const name = `peer-to-${to.id?.split("/").pop()}`;
  return {
    id: `${from}/virtualNetworkPeerings/${name}`,
    name,
    remoteVirtualNetwork: { id: to.id },
    remoteAddressSpace: to.addressSpace,
    peeringState: "Connected",
    peeringSyncLevel: "FullyInSync",
    allowVirtualNetworkAccess: true,
    allowForwardedTraffic: true,
  };
}

/** The SDK v1 rules, then extra rules of the kinds real NSGs carry, ending with a catch-all Deny to the internet. */
function spokeRules(nsgId: string, spoke: number, count: number): SecurityRule[] {
  const rule = (name: string, priority: number, fields: Partial<SecurityRule>): SecurityRule => ({
    id: `${nsgId}/securityRules/${name}`,
    name,
    priority,
    direction: "Outbound",
    access: "Allow",
    protocol: "Tcp",
    sourcePortRange: "*",
    sourceAddressPrefix: "VirtualNetwork",
    destinationAddressPrefix: "*",
    destinationPortRange: "*",
    ...fields,
  });
  const rules = trainingRules(REGION).map(([name, priority, direction, protocol, ports, tag]) =>
    rule(name, priority, {
      direction,
      protocol,
      ...(ports.length === 1 ? { destinationPortRange: ports[0] } : { destinationPortRange: undefined, destinationPortRanges: ports }),
      ...(direction === "Inbound" ? { sourceAddressPrefix: tag, destinationAddressPrefix: "VirtualNetwork" } : { destinationAddressPrefix: tag }),
    }),
  );
  for (let j = 0; rules.length < count - 1; j++) {
    const priority = 300 + 10 * j;
    const extras: Array<Partial<SecurityRule>> = [
      { direction: "Inbound", destinationPortRange: "22", sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: "VirtualNetwork" },
      { direction: "Inbound", access: "Deny", destinationPortRange: "3389", sourceAddressPrefix: `203.0.113.${j % 250}/32`, destinationAddressPrefix: "*" },
      { destinationPortRange: undefined, destinationPortRanges: ["8000-8100", "9000"], destinationAddressPrefix: `10.${spoke}.${(j % 200) + 10}.0/24` },
      { destinationPortRange: "1433", destinationAddressPrefix: `Sql.${REGION}` },
      // A narrower source cuts the subnet in two for every outbound flow the evaluator looks at.
      { destinationPortRange: "443", sourceAddressPrefix: `10.${spoke}.1.${(j % 2) * 128}/25`, destinationAddressPrefix: "AzureMonitor" },
      { protocol: "Udp", destinationPortRange: "53", destinationAddressPrefixes: ["10.0.0.4", "10.0.0.5"], destinationAddressPrefix: undefined },
      {
        direction: "Inbound",
        destinationPortRange: "443",
        sourceAddressPrefix: undefined,
        sourceApplicationSecurityGroups: [{ id: `${NET}/applicationSecurityGroups/asg-web` }],
        destinationAddressPrefix: "VirtualNetwork",
      },
    ];
    rules.push(rule(`Extra-${j}`, priority, extras[j % extras.length]));
  }
  rules.push(rule("DenyInternetOutbound", 4096, { access: "Deny", protocol: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "Internet" }));
  return rules;
}

export function generateHubSpoke({ vnets, nsgRules, computeSubnets }: LargeTopologyOptions): LargeTopology {
  const spokes = vnets - 1;
  let subnetsLeft = computeSubnets ?? spokes;
  if (subnetsLeft < spokes || subnetsLeft > 100 * spokes)
    throw new Error(`generateHubSpoke: ${subnetsLeft} compute subnets do not fit ${spokes} spokes (1 to 100 each)`);
  if (spokes < 1 || spokes > 254 || nsgRules < 14 * spokes)
    throw new Error(`generateHubSpoke: ${vnets} VNets and ${nsgRules} rules do not fit (2-255 VNets, at least 14 rules per spoke)`);
  const workspaceId = `${RG}/providers/Microsoft.MachineLearningServices/workspaces/mlw-large`;
  const hub: VirtualNetwork = {
    id: `${NET}/virtualNetworks/vnet-hub`,
    name: "vnet-hub",
    location: REGION,
    addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
    subnets: [],
    virtualNetworkPeerings: [],
  };
  hub.subnets = [
    { id: `${hub.id}/subnets/AzureFirewallSubnet`, name: "AzureFirewallSubnet", addressPrefix: "10.0.0.0/26" },
    { id: `${hub.id}/subnets/snet-agents`, name: "snet-agents", addressPrefix: "10.0.1.0/24" },
  ];
  const workspace = {
    id: workspaceId,
    name: "mlw-large",
    location: REGION,
    publicNetworkAccess: "Disabled",
    v1LegacyMode: false,
    imageBuildCompute: "cluster-1",
  };
  const topology = emptyTopology("AzureCloud", workspace, hub.id);
  topology.vnets.add(hub);
  let rulesLeft = nsgRules;
  for (let i = 1; i <= spokes; i++) {
    const vnetId = `${NET}/virtualNetworks/vnet-spoke-${i}`;
    const nsgId = `${NET}/networkSecurityGroups/nsg-spoke-${i}`;
    const ruleCount = Math.floor(rulesLeft / (spokes - i + 1));
    rulesLeft -= ruleCount;
    topology.nsgs.add({ id: nsgId, name: `nsg-spoke-${i}`, location: REGION, securityRules: spokeRules(nsgId, i, ruleCount) });
    const publicIp = i % 2 === 1;
    const natId = `${NET}/natGateways/nat-spoke-${i}`;
    if (!publicIp) topology.natGateways.add({ id: natId, name: `nat-spoke-${i}`, location: REGION });
    const routeTableId = `${NET}/routeTables/rt-spoke-${i}`;
    const toHub = { name: "to-hub-firewall", addressPrefix: "10.0.0.0/8", nextHopType: "VirtualAppliance", nextHopIpAddress: FIREWALL_IP };
    const onPremises = { name: "onprem", addressPrefix: "192.168.0.0/16", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.10" };
    topology.routeTables.add({ id: routeTableId, name: `rt-spoke-${i}`, routes: i % 4 === 0 ? [toHub, onPremises] : [toHub] });
    const subnetCount = Math.floor(subnetsLeft / (spokes - i + 1));
    subnetsLeft -= subnetCount;
    const training = Array.from({ length: subnetCount }, (_, k) => {
      const name = k === 0 ? "snet-training" : `snet-training-${k}`;
      const addressPrefix = k === 0 ? `10.${i}.1.0/24` : `10.${i}.${100 + k}.0/24`;
      return {
        id: `${vnetId}/subnets/${name}`,
        name,
        addressPrefix,
        networkSecurityGroup: { id: nsgId },
        routeTable: { id: routeTableId },
        ...(publicIp ? {} : { natGateway: { id: natId } }),
      };
    });
    const spoke: VirtualNetwork = {
      id: vnetId,
      name: `vnet-spoke-${i}`,
      location: REGION,
      addressSpace: { addressPrefixes: [`10.${i}.0.0/16`] },
      subnets: [
        ...training,
        { id: `${vnetId}/subnets/snet-endpoints`, name: "snet-endpoints", addressPrefix: `10.${i}.2.0/24`, privateEndpointNetworkPolicies: "Disabled" },
      ],
      virtualNetworkPeerings: [peering(vnetId, hub)],
    };
    hub.virtualNetworkPeerings?.push(peering(hub.id as string, spoke));
    topology.vnets.add(spoke);
    training.forEach((subnet, k) => {
      const name = k === 0 ? `cluster-${i}` : `cluster-${i}-${k}`;
      topology.computes.push({
        id: `${workspaceId}/computes/${name}`,
        name,
        properties: {
          computeType: "AmlCompute",
          properties: { vmSize: "STANDARD_DS3_V2", scaleSettings: { maxNodeCount: 4 }, subnet: { id: subnet.id }, enableNodePublicIp: publicIp },
        },
      });
    });
  }
  addEndpointsAndZones(topology, workspaceId);
  const counts = {
    vnets: topology.vnets.values().length,
    nsgs: topology.nsgs.values().length,
    nsgRules: topology.nsgs.values().reduce((sum, n) => sum + (n.securityRules ?? []).length, 0),
    computes: topology.computes.length,
    endpoints: topology.privateEndpoints.length,
    zoneLinks: [...topology.zones.values()].reduce((sum, z) => sum + z.links.length, 0),
  };
  return { topology, options: { workspaceId, agentVnetId: hub.id, cloud: "AzureCloud", failOn: "warning" }, counts };
}

/** The workspace's dependencies and their endpoints in spoke 1, and the six zones with links to every VNet and the A records. */
function addEndpointsAndZones(topology: Topology, workspaceId: string): void {
  const subnetId = `${NET}/virtualNetworks/vnet-spoke-1/subnets/snet-endpoints`;
  const target = (type: string, name: string) => ({ id: `${RG}/providers/${type}/${name}`, name, type, location: REGION });
  const storage = target("Microsoft.Storage/storageAccounts", "stlarge");
  const vault = target("Microsoft.KeyVault/vaults", "kv-large");
  const registry = {
    ...target("Microsoft.ContainerRegistry/registries", "acrlarge"),
    sku: { name: "Premium" },
    properties: { publicNetworkAccess: "Disabled" },
  };
  topology.dependencies = { storage, vault, registry, insights: target("Microsoft.Insights/components", "appi-large") };
  const endpoints: Array<[string, string, string, string[]]> = [
    [
      "pe-mlw",
      workspaceId,
      "amlworkspace",
      [
        `${GUID}.workspace.${REGION}.api.azureml.ms`,
        `${GUID}.workspace.${REGION}.cert.api.azureml.ms`,
        `ml-mlw-large-${REGION}-${GUID}.${REGION}.notebooks.azure.net`,
      ],
    ],
    ["pe-blob", storage.id, "blob", ["stlarge.blob.core.windows.net"]],
    ["pe-file", storage.id, "file", ["stlarge.file.core.windows.net"]],
    ["pe-kv", vault.id, "vault", ["kv-large.vault.azure.net"]],
    ["pe-acr", registry.id, "registry", ["acrlarge.azurecr.io", `acrlarge.${REGION}.data.azurecr.io`]],
  ];
  const zones = new Map<string, ZoneState>();
  for (const name of REFERENCE_ZONES) {
    const id = `${NET}/privateDnsZones/${name}`;
    const links = topology.vnets
      .values()
      .map((v) => ({ id: `${id}/virtualNetworkLinks/link-${v.name}`, name: `link-${v.name}`, virtualNetwork: { id: v.id }, registrationEnabled: false }));
    zones.set(name, { id, name, zone: { id, name, location: "global" }, links, aRecords: [] });
  }
  let host = 4;
  for (const [name, targetId, groupId, fqdns] of endpoints) {
    const id = `${NET}/privateEndpoints/${name}`;
    const customDnsConfigs = fqdns.map((fqdn) => ({ fqdn, ipAddresses: [`10.1.2.${host++}`] }));
    const endpoint: PrivateEndpoint = {
      id,
      name,
      location: REGION,
      subnet: { id: subnetId },
      customDnsConfigs,
      privateLinkServiceConnections: [
        { name: `${name}-psc`, privateLinkServiceId: targetId, groupIds: [groupId], privateLinkServiceConnectionState: { status: "Approved" } },
      ],
    };
    topology.privateEndpoints.push(endpoint);
    const groupZones = zonesForGroup(groupId, "AzureCloud").map((z) => zones.get(z) as ZoneState);
    topology.zoneGroups.set(id.toLowerCase(), [{ name: "default", privateDnsZoneConfigs: groupZones.map((z) => ({ name: z.name, privateDnsZoneId: z.id })) }]);
    for (const zone of groupZones) {
      for (const config of customDnsConfigs) {
        const record = recordNameIn(zone.name, config.fqdn);
        if (record) zone.aRecords.push({ id: `${zone.id}/A/${record}`, name: record, aRecords: config.ipAddresses.map((ipv4Address) => ({ ipv4Address })) });
      }
    }
  }
  for (const zone of zones.values()) topology.zones.set(zone.id.toLowerCase(), zone);
}
