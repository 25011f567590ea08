import type { NetworkSecurityGroup, Subnet, VirtualNetwork } from "@azure/arm-network";
import { sameId, vnetIdOfSubnet } from "../topology/arm-id";
import type { Topology } from "../topology/topology";
import { clusterSubnetId, InferenceCluster } from "./inference-topology";

/** Where an inference cluster's nodes sit in the topology: subnet, VNet, the subnet's NSG and region. */
export interface ClusterPlace {
  entry: InferenceCluster;
  computeId: string;
  computeName: string;
  /** The managed cluster's ID when known, else the compute's: what cluster-level findings name. */
  clusterOrComputeId: string;
  subnetId?: string;
  vnet?: VirtualNetwork;
  subnet?: Subnet;
  nsg?: NetworkSecurityGroup;
  region: string;
}

export function placeOf(topology: Topology, entry: InferenceCluster): ClusterPlace {
  const subnetId = clusterSubnetId(entry);
  const vnet = subnetId ? topology.vnets.get(vnetIdOfSubnet(subnetId)) : undefined;
  const subnet = vnet?.subnets?.find((s) => sameId(s.id, subnetId));
  return {
    entry,
    computeId: entry.compute.id,
    computeName: entry.compute.name,
    clusterOrComputeId: entry.cluster?.id ?? entry.clusterId ?? entry.compute.id,
    subnetId,
    vnet,
    subnet,
    nsg: topology.nsgs.get(subnet?.networkSecurityGroup?.id),
    region: (entry.cluster?.location ?? entry.compute.properties?.computeLocation ?? topology.workspace.location).replace(/\s+/g, "").toLowerCase(),
  };
}

export function subnetPrefixes(subnet: Subnet | undefined): string[] {
  return [subnet?.addressPrefix, ...(subnet?.addressPrefixes ?? [])].filter((p): p is string => !!p);
}
