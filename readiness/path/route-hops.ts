/**
 * The route hop of a path: same VNet, peering, a gateway, or transit through a virtual appliance in a peered hub
 * (then the hub's onward peering must accept forwarded traffic). Each returns the broken hop, or undefined with the
 * hops taken pushed onto `hops`.
 */
import { peeringSyncCommand, peeringUpdateCommand } from "../checks/fixes";
import { shortName } from "../topology/arm-id";
import type { PathModel } from "./path-model";
import { peeringBetween, peeringProblem } from "./peering";
import { describeRoute, routeTo, type EffectiveRoute } from "./routes";
import type { BrokenHop, Hop, PathSource, PathTarget } from "./types";

/** The route hop, and transit through an appliance; returns the broken hop or undefined (then `hops` has the way). */
export function routeProblem(model: PathModel, source: PathSource, target: PathTarget, hops: Hop[]): BrokenHop | undefined {
  const endpointVnet = model.vnet(target.vnetId);
  const route = model.routeFor(source, target);
  switch (route?.nextHopType) {
    case "VnetLocal":
      if (source.vnetId.toLowerCase() === target.vnetId.toLowerCase()) {
        hops.push({ kind: "route", description: `same VNet ${shortName(source.vnetId)}` });
        return undefined;
      }
      return {
        kind: "route",
        severity: "error",
        reason: `${describeRoute(route)} keeps it inside ${shortName(source.vnetId)}, but the endpoint is in ${shortName(target.vnetId)}`,
        resourceId: route.routeTableId ?? source.vnetId,
        fix: `Delete that route or point it at a path to ${shortName(target.vnetId)}: az network route-table route delete --ids ${route.routeTableId}/routes/${route.routeName}`,
      };
    case "VNetPeering": {
      const problem = peeringProblem(model.vnet(source.vnetId), source.vnetId, endpointVnet, target.vnetId);
      if (problem) return problem;
      hops.push({ kind: "peering", description: `peering ${shortName(source.vnetId)} ↔ ${shortName(target.vnetId)}`, resourceId: route.peering?.id });
      return undefined;
    }
    case "VirtualAppliance":
      return transitProblem(model, source, target, route, hops);
    case "VirtualNetworkGateway":
      return {
        kind: "gateway",
        severity: "warning",
        reason: `${describeRoute(route)}: the path beyond the VPN/ExpressRoute gateway cannot be read from ARM`,
        resourceId: route.routeTableId ?? source.vnetId,
        fix: `Check that the on-premises side routes ${target.ip} back into Azure, or send it through a peering instead.`,
      };
    default: {
      if (route?.source === "User") {
        return {
          kind: "route",
          severity: "error",
          reason: `${describeRoute(route)} drops it`,
          resourceId: route.routeTableId ?? source.vnetId,
          fix: `az network route-table route delete --ids ${route.routeTableId}/routes/${route.routeName}`,
        };
      }
      const unsynced = peeringBetween(model.vnet(source.vnetId), target.vnetId);
      if (unsynced?.peeringState === "Connected" && unsynced.peeringSyncLevel && unsynced.peeringSyncLevel !== "FullyInSync") {
        // Peered, but an address space changed since: the prefix holding the endpoint is not routed until a sync.
        return {
          kind: "peering",
          severity: "error",
          reason: `peering ${unsynced.name} from ${shortName(source.vnetId)} to ${shortName(target.vnetId)} is ${unsynced.peeringSyncLevel}, so ${target.ip} is not routed through it yet`,
          resourceId: unsynced.id ?? source.vnetId,
          fix: peeringSyncCommand(unsynced.id as string),
        };
      }
      return (
        peeringProblem(model.vnet(source.vnetId), source.vnetId, endpointVnet, target.vnetId) ?? {
          kind: "route",
          severity: "error",
          reason: `no route from ${shortName(source.vnetId)} covers ${target.ip}`,
          resourceId: source.vnetId,
          fix: `Peer ${shortName(source.vnetId)} with ${shortName(target.vnetId)} both ways.`,
        }
      );
    }
  }
}

/** Spoke → appliance in a peered hub → onward peering to the endpoint's VNet, which must accept forwarded traffic. */
function transitProblem(model: PathModel, source: PathSource, target: PathTarget, route: EffectiveRoute, hops: Hop[]): BrokenHop | undefined {
  const applianceIp = route.nextHopIp;
  const routeTableId = route.routeTableId ?? source.vnetId;
  const toAppliance = applianceIp ? routeTo(applianceIp, model.routesOf(source.subnetId), source.vnetId) : undefined;
  const hubId = toAppliance?.nextHopType === "VnetLocal" ? source.vnetId : toAppliance?.nextHopType === "VNetPeering" ? toAppliance.remoteVnetId : undefined;
  if (!applianceIp || !hubId) {
    return {
      kind: "appliance",
      severity: "error",
      reason: `${describeRoute(route)}, but ${applianceIp ?? "the next hop"} is neither in ${shortName(source.vnetId)} nor in a VNet peered to it`,
      resourceId: routeTableId,
      fix: `Point route ${route.routeName} at the private IP of the firewall or appliance in the hub peered with ${shortName(source.vnetId)}.`,
    };
  }
  if (hubId.toLowerCase() !== source.vnetId.toLowerCase()) {
    const toHub = peeringProblem(model.vnet(source.vnetId), source.vnetId, model.vnet(hubId), hubId);
    if (toHub) return toHub;
    hops.push({ kind: "peering", description: `peering ${shortName(source.vnetId)} ↔ ${shortName(hubId)}` });
  }
  const dropped = model.extensions.appliance?.evaluate({
    topology: model.topology,
    source,
    target,
    applianceIp,
    applianceVnetId: hubId,
    routeTableId,
    routeName: route.routeName ?? "",
  });
  if (dropped) return dropped;
  hops.push({ kind: "appliance", description: `${describeRoute(route)} in ${shortName(hubId)}`, resourceId: routeTableId });
  if (hubId.toLowerCase() === target.vnetId.toLowerCase()) return undefined;
  const onward = peeringProblem(model.vnet(hubId), hubId, model.vnet(target.vnetId), target.vnetId);
  if (onward) return { ...onward, reason: `${onward.reason} (the appliance ${applianceIp} forwards from ${shortName(hubId)})` };
  const accepting = peeringBetween(model.vnet(target.vnetId), hubId);
  if (accepting && accepting.allowForwardedTraffic !== true) {
    return {
      kind: "peering",
      severity: "error",
      reason: `peering ${accepting.name} from ${shortName(target.vnetId)} to ${shortName(hubId)} has allowForwardedTraffic=false, so ${shortName(target.vnetId)} drops what the appliance ${applianceIp} forwards`,
      resourceId: accepting.id ?? target.vnetId,
      fix: peeringUpdateCommand(accepting.id as string, "allowForwardedTraffic=true"),
    };
  }
  hops.push({ kind: "peering", description: `peering ${shortName(hubId)} ↔ ${shortName(target.vnetId)} (forwarded traffic allowed)` });
  return undefined;
}
