import type { VirtualNetwork, VirtualNetworkPeering } from "@azure/arm-network";
import { overlappingPairs } from "../../network/cidr";
import { sameId, shortName } from "../topology/arm-id";
import { peeringCommand, peeringUpdateCommand } from "../checks/fixes";
import type { BrokenHop } from "./types";

/** The peering on `from` whose remote is `toId`. */
export function peeringBetween(from: VirtualNetwork | undefined, toId: string | undefined): VirtualNetworkPeering | undefined {
  return from?.virtualNetworkPeerings?.find((p) => sameId(p.remoteVirtualNetwork?.id, toId));
}

export function usablePeering(peering: VirtualNetworkPeering | undefined): boolean {
  return !!peering && peering.peeringState === "Connected" && peering.allowVirtualNetworkAccess !== false;
}

/**
 * Why traffic from `fromId` to `toId` finds no usable peering (both ways Connected, access allowed), as the hop that
 * breaks the path; undefined when the peering is usable both ways.
 */
export function peeringProblem(from: VirtualNetwork | undefined, fromId: string, to: VirtualNetwork | undefined, toId: string): BrokenHop | undefined {
  const out = peeringBetween(from, toId);
  const back = peeringBetween(to, fromId);
  const a = shortName(fromId);
  const b = shortName(toId);
  if (!out || !back) {
    const overlap = overlappingPairs(from?.addressSpace?.addressPrefixes ?? [], to?.addressSpace?.addressPrefixes ?? []);
    if (overlap.length) {
      return {
        kind: "peering",
        severity: "error",
        reason: `${a} and ${b} have overlapping address spaces (${overlap.map(([x, y]) => `${x} overlaps ${y}`).join("; ")}), so they cannot be peered`,
        resourceId: fromId,
        fix: `Move the workload to a VNet whose address space does not overlap ${(to?.addressSpace?.addressPrefixes ?? []).join(", ")}, then peer it with ${b}.`,
      };
    }
    const missing = !out ? [fromId, toId] : [toId, fromId];
    const left = out ?? back;
    // The side left behind turns Disconnected and must be re-created too (Azure refuses to pair with it).
    const stale = left?.peeringState === "Disconnected" ? left : undefined;
    const commands = [
      stale ? `az network vnet peering delete --ids ${stale.id}` : undefined,
      !out || stale === out ? peeringCommand(fromId, toId) : undefined,
      !back || stale === back ? peeringCommand(toId, fromId) : undefined,
    ].filter((c): c is string => !!c);
    const staleText = stale ? `, and ${shortName(missing[1])}'s peering ${stale.name} back is Disconnected` : " (the peering must exist both ways)";
    return {
      kind: "peering",
      severity: "error",
      reason: !out && !back ? `${a} has no peering to ${b}` : `${shortName(missing[0])} has no peering to ${shortName(missing[1])}${staleText}`,
      resourceId: missing[0],
      fix: commands.join(" && "),
    };
  }
  for (const [peering, owner, other] of [
    [out, fromId, toId],
    [back, toId, fromId],
  ] as const) {
    if (peering.peeringState !== "Connected") {
      const fix =
        peering.peeringState === "Disconnected"
          ? `az network vnet peering delete --ids ${peering.id} && ${peeringCommand(owner, other)}`
          : peeringCommand(other, owner);
      return {
        kind: "peering",
        severity: "error",
        reason: `peering ${peering.name} from ${shortName(owner)} to ${shortName(other)} is ${peering.peeringState ?? "not Connected"}, not Connected`,
        resourceId: peering.id ?? owner,
        fix,
      };
    }
    if (peering.allowVirtualNetworkAccess === false) {
      return {
        kind: "peering",
        severity: "error",
        reason: `peering ${peering.name} from ${shortName(owner)} to ${shortName(other)} has allowVirtualNetworkAccess=false`,
        resourceId: peering.id ?? owner,
        fix: peeringUpdateCommand(peering.id as string, "allowVirtualNetworkAccess=true"),
      };
    }
  }
  return undefined;
}
