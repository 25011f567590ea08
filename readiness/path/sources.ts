/** Sources of the flows: the agents' subnets, and the subnet every compute runs in (any subnet can be a source). */
import type { NetworkSecurityGroup, Subnet, VirtualNetwork } from "@azure/arm-network";
import { sameId, shortName, vnetIdOfSubnet } from "../topology/arm-id";
import type { Topology } from "../topology/topology";
import type { PathSource } from "./types";

/** Subnets Azure reserves for its own appliances; agents never run there. */
const RESERVED_SUBNETS = new Set(["gatewaysubnet", "azurefirewallsubnet", "azurefirewallmanagementsubnet", "azurebastionsubnet", "routeserversubnet"]);

/** A source for any subnet: `key` goes into check IDs, `name` (a compute, "agents") into messages. */
export function subnetSource(topology: Topology, subnetId: string, key: string, name: string, resourceId: string, nicNsg?: NetworkSecurityGroup): PathSource {
  const vnetId = vnetIdOfSubnet(subnetId);
  const vnet = topology.vnets.get(vnetId);
  const subnet = vnet?.subnets?.find((s) => sameId(s.id, subnetId));
  return { key, label: `${name} (${shortName(subnetId)} in ${shortName(vnetId)})`, resourceId, subnetId, vnetId, vnet, subnet, nicNsg };
}

/** A subnet holding private endpoints and nothing else (every IP configuration belongs to an endpoint's NIC). */
function holdsOnlyEndpoints(topology: Topology, subnet: Subnet): boolean {
  const endpoints = topology.privateEndpoints.filter((e) => sameId(e.subnet?.id, subnet.id));
  if (endpoints.length === 0 && (subnet.privateEndpoints ?? []).length === 0) return false;
  const endpointNics = new Set(endpoints.flatMap((e) => (e.networkInterfaces ?? []).map((n) => (n.id ?? "").toLowerCase())));
  return (subnet.ipConfigurations ?? []).every(
    (c) => endpointNics.has((c.id ?? "").replace(/\/ipConfigurations\/[^/]+$/i, "").toLowerCase()) || /\/privateEndpoints\//i.test(c.id ?? ""),
  );
}

/** Whether machines (VM or scale-set NICs, not private endpoints) hold addresses in the subnet. */
function holdsMachines(subnet: Subnet): boolean {
  return (subnet.ipConfigurations ?? []).some(
    (c) => /\/(networkInterfaces|virtualMachineScaleSets)\//i.test(c.id ?? "") && !/\.nic\.[0-9a-f-]+\//i.test(c.id ?? ""),
  );
}

/**
 * The agent VNet's subnets that can hold agents: not reserved for an Azure appliance, not delegated, not holding
 * only private endpoints; of those, the ones where machines run when any does (the agents' own subnet), else all of
 * them, since the VNet ID alone does not say which subnet the agents use.
 */
export function agentSources(topology: Topology): PathSource[] {
  const vnet: VirtualNetwork | undefined = topology.vnets.get(topology.agentVnetId);
  if (!vnet?.id) return [];
  const candidates = (vnet.subnets ?? []).filter(
    (s) => s.id && !RESERVED_SUBNETS.has((s.name ?? "").toLowerCase()) && (s.delegations ?? []).length === 0 && !holdsOnlyEndpoints(topology, s),
  );
  const withMachines = candidates.filter(holdsMachines);
  return (withMachines.length ? withMachines : candidates).map((s) =>
    subnetSource(topology, s.id as string, `${shortName(vnet.id)}/${s.name}`, "agents", vnet.id as string),
  );
}
