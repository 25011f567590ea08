import type { ComputeResource } from "@azure/arm-machinelearning";
import type { Subnet, VirtualNetwork } from "@azure/arm-network";
import { sameId, vnetIdOfSubnet } from "../topology/arm-id";
import { computeSubnetId } from "../topology/read-topology";
import type { Topology } from "../topology/topology";

export interface ComputeSubnet {
  subnetId: string;
  vnet?: VirtualNetwork;
  subnet?: Subnet;
  computes: ComputeResource[];
  /** Whether any compute in it has node public IPs (then inbound 44224 and the public-IP routes apply). */
  publicIp: boolean;
  /** Whether any compute in it has no public IP (then it needs an outbound path of its own). */
  noPublicIp: boolean;
}

interface InnerCompute {
  enableNodePublicIp?: boolean;
  scaleSettings?: { maxNodeCount?: number };
  /** Nodes running now (read-only): their NICs are already among the subnet's ipConfigurations. */
  currentNodeCount?: number;
}

export function innerProperties(compute: ComputeResource): InnerCompute {
  return (compute.properties as { properties?: InnerCompute } | undefined)?.properties ?? {};
}

/** Addresses the computes in a subnet can take at most: max nodes of clusters, one per instance. */
export function addressesNeeded(computes: ComputeResource[]): number {
  return computes.reduce((sum, c) => sum + (c.properties?.computeType === "AmlCompute" ? (innerProperties(c).scaleSettings?.maxNodeCount ?? 0) : 1), 0);
}

/** Nodes the clusters in a subnet run now; each already holds one of the subnet's ipConfigurations. */
export function runningNodes(computes: ComputeResource[]): number {
  return computes.reduce((sum, c) => sum + (c.properties?.computeType === "AmlCompute" ? Math.max(0, innerProperties(c).currentNodeCount ?? 0) : 0), 0);
}

/**
 * Addresses still to be taken when every cluster grows to its max: max minus running per cluster (the running
 * nodes are counted once, as ipConfigurations of the subnet), one per other compute.
 */
export function addressesToGrow(computes: ComputeResource[]): number {
  return computes.reduce((sum, c) => {
    if (c.properties?.computeType !== "AmlCompute") return sum + 1;
    const inner = innerProperties(c);
    return sum + Math.max(0, (inner.scaleSettings?.maxNodeCount ?? 0) - Math.max(0, inner.currentNodeCount ?? 0));
  }, 0);
}

/** The subnets AML computes are placed in, with the computes of each. */
export function computeSubnets(topology: Topology): ComputeSubnet[] {
  const bySubnet = new Map<string, ComputeSubnet>();
  for (const compute of topology.computes) {
    const subnetId = computeSubnetId(compute);
    if (!subnetId) continue;
    const key = subnetId.toLowerCase();
    if (!bySubnet.has(key)) {
      const vnet = topology.vnets.get(vnetIdOfSubnet(subnetId));
      const subnet = vnet?.subnets?.find((s) => sameId(s.id, subnetId));
      bySubnet.set(key, { subnetId, vnet, subnet, computes: [], publicIp: false, noPublicIp: false });
    }
    const entry = bySubnet.get(key) as ComputeSubnet;
    entry.computes.push(compute);
    if (innerProperties(compute).enableNodePublicIp === false) entry.noPublicIp = true;
    else entry.publicIp = true;
  }
  return [...bySubnet.values()];
}
