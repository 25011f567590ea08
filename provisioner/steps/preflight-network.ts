import type { VirtualNetwork } from "@azure/arm-network";
import { contains, overlappingPairs, overlaps, parseCidr } from "../../network/cidr";
import { endpointVnet, workspaceEndpoints } from "../../readiness/topology/read-topology";
import type { Topology } from "../../readiness/topology/topology";
import type { ProvisionerConfig } from "../config/config-types";
import { ProvisionerInputError } from "../errors";
import type { ResourceIds } from "../resource-ids";
import { nameOf, sameId } from "./step";

/** What preflight learns from the workspace's network; pure functions over the topology the readiness engine read. */
export interface AmlNetwork {
  amlVnetIds: string[];
  amlPrefixes: string[];
  zoneIds: string[];
}

/** The AML VNets (holding the workspace's endpoints) and the private DNS zones of the endpoints' zone groups. */
export function amlNetworkOf(topology: Topology, config: ProvisionerConfig): AmlNetwork {
  const endpoints = workspaceEndpoints(topology);
  const vnets = new Map<string, VirtualNetwork>();
  for (const endpoint of endpoints) {
    const vnet = endpointVnet(topology, endpoint);
    if (vnet?.id) vnets.set(vnet.id.toLowerCase(), vnet);
  }
  if (vnets.size === 0) {
    throw new ProvisionerInputError(
      `workspace ${nameOf(config.workspaceId)} has no private endpoint in a VNet this identity can read, so there is no AML VNet to peer the agents with; add the workspace's private endpoint first (or grant Reader on its VNet)`,
    );
  }
  const zoneIds = new Map<string, string>();
  for (const endpoint of endpoints) {
    for (const group of topology.zoneGroups.get((endpoint.id ?? "").toLowerCase()) ?? []) {
      for (const zoneConfig of group.privateDnsZoneConfigs ?? [])
        if (zoneConfig.privateDnsZoneId) zoneIds.set(zoneConfig.privateDnsZoneId.toLowerCase(), zoneConfig.privateDnsZoneId);
    }
  }
  const amlVnets = [...vnets.values()];
  return {
    amlVnetIds: amlVnets.map((v) => v.id as string),
    amlPrefixes: [...new Set(amlVnets.flatMap((v) => v.addressSpace?.addressPrefixes ?? []))],
    zoneIds: [...zoneIds.values()].filter((id) => topology.zones.get(id.toLowerCase())?.zone !== undefined),
  };
}

/** Refuses an agent address space overlapping the AML VNets or any VNet peered with them, naming every conflict. */
export function checkNoOverlap(topology: Topology, config: ProvisionerConfig, ids: ResourceIds, amlVnetIds: string[]): void {
  const field = config.network.vnet.kind === "create" ? "network.vnet.addressSpace" : `network.vnet.id (${ids.vnetName})`;
  const agentPrefixes =
    config.network.vnet.kind === "create" ? config.network.vnet.addressSpace : (topology.vnets.get(ids.vnetId)?.addressSpace?.addressPrefixes ?? []);
  const conflicts: string[] = [];
  for (const amlId of amlVnetIds) {
    if (sameId(amlId, ids.vnetId))
      throw new ProvisionerInputError(
        `${field}: the agent VNet is the AML VNet itself; give the agents a VNet of their own (network.vnet.name + addressSpace)`,
      );
    const aml = topology.vnets.get(amlId);
    for (const [mine, theirs] of overlappingPairs(agentPrefixes, aml?.addressSpace?.addressPrefixes ?? []))
      conflicts.push(`${mine} overlaps ${theirs} of the AML VNet ${nameOf(amlId)}`);
    for (const peering of aml?.virtualNetworkPeerings ?? []) {
      const remoteId = peering.remoteVirtualNetwork?.id;
      if (!remoteId || sameId(remoteId, ids.vnetId)) continue;
      const remote = topology.vnets.get(remoteId)?.addressSpace?.addressPrefixes ?? peering.remoteAddressSpace?.addressPrefixes ?? [];
      for (const [mine, theirs] of overlappingPairs(agentPrefixes, remote))
        conflicts.push(`${mine} overlaps ${theirs} of ${nameOf(remoteId)} (peered with ${nameOf(amlId)})`);
    }
  }
  if (conflicts.length) {
    throw new ProvisionerInputError(`${field} conflicts with the AML network: ${conflicts.join("; ")}; pick a free range (peered VNets cannot overlap)`);
  }
}

/** For an existing VNet: it exists, is in config.location, and the subnet fits its space without overlapping a sibling. */
export function checkExistingVnet(topology: Topology, config: ProvisionerConfig, ids: ResourceIds): void {
  if (config.network.vnet.kind !== "existing") return;
  if (ids.vnetSubscription !== config.subscription) {
    throw new ProvisionerInputError(
      `network.vnet.id ${ids.vnetName} is in subscription ${ids.vnetSubscription}, but the agents go to ${config.subscription}; NICs must be in their VNet's subscription: set subscription: ${ids.vnetSubscription}`,
    );
  }
  const vnet = topology.vnets.get(ids.vnetId);
  if (!vnet) throw new ProvisionerInputError(`network.vnet.id ${ids.vnetId} was not found (or is not readable by this identity); check the ID`);
  const location = (vnet.location ?? "").replace(/\s+/g, "").toLowerCase();
  if (location !== config.location) {
    throw new ProvisionerInputError(
      `network.vnet.id ${ids.vnetName} is in ${location}, but location is ${config.location}; VMs must be in their VNet's region: set location: ${location}`,
    );
  }
  const prefix = parseCidr(config.network.subnet.prefix);
  const spaces = vnet.addressSpace?.addressPrefixes ?? [];
  if (!spaces.some((space) => contains(parseCidr(space), prefix))) {
    throw new ProvisionerInputError(
      `network.subnet.prefix ${prefix.text} is outside the address space of ${ids.vnetName} (${spaces.join(", ")}); pick a prefix inside it`,
    );
  }
  for (const subnet of vnet.subnets ?? []) {
    const other = subnet.addressPrefix ?? subnet.addressPrefixes?.[0];
    if (!other || (subnet.name ?? "").toLowerCase() === config.network.subnet.name.toLowerCase()) continue;
    if (overlaps(parseCidr(other), prefix)) {
      throw new ProvisionerInputError(`network.subnet.prefix ${prefix.text} overlaps subnet ${subnet.name} (${other}) of ${ids.vnetName}; pick a free prefix`);
    }
  }
}
