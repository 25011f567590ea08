import type { VirtualNetwork, VirtualNetworkPeering } from "@azure/arm-network";
import { sameId } from "../topology/arm-id";
import type { Topology } from "../topology/topology";

/** The peering on `from` whose remote is `toId`. */
export function peeringBetween(from: VirtualNetwork | undefined, toId: string | undefined): VirtualNetworkPeering | undefined {
  return from?.virtualNetworkPeerings?.find((p) => sameId(p.remoteVirtualNetwork?.id, toId));
}

function usable(peering: VirtualNetworkPeering | undefined): boolean {
  return !!peering && peering.peeringState === "Connected" && peering.allowVirtualNetworkAccess !== false;
}

/** Whether clients in the agent VNet reach addresses in `targetVnetId`: the same VNet, or usable peering both ways. */
export function agentReaches(topology: Topology, targetVnetId: string | undefined): boolean {
  if (!topology.agentVnetId || !targetVnetId) return false;
  if (sameId(topology.agentVnetId, targetVnetId)) return true;
  const agent = topology.vnets.get(topology.agentVnetId);
  const target = topology.vnets.get(targetVnetId);
  return usable(peeringBetween(agent, targetVnetId)) && usable(peeringBetween(target, topology.agentVnetId));
}
