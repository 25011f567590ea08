/**
 * The route a subnet's traffic to one private IP takes, as Azure picks it: longest prefix match over the subnet's
 * user-defined routes and the system routes (the VNet's own space, Connected peerings' spaces, the private ranges
 * Azure drops, 0.0.0.0/0 to Internet); on equal prefixes a user-defined route beats a system route. Private
 * endpoints add a /32 system route in their VNet and in the VNets peered to it, which only a user-defined route at
 * least as wide as the endpoint VNet's space overrides, and only when the endpoint subnet's network policies enable
 * route tables (learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy).
 * BGP routes learnt from gateways are not readable through ARM lists and are not modelled.
 */
import type { Route, RouteTable, Subnet, VirtualNetwork, VirtualNetworkPeering } from "@azure/arm-network";
import { containsAddress, parseCidr, parseIpv4, type Cidr } from "../../network/cidr";
import { isCidr } from "../../network/cidr";
import { sameId } from "../topology/arm-id";

export type NextHopType = "VnetLocal" | "VNetPeering" | "VirtualAppliance" | "VirtualNetworkGateway" | "Internet" | "None";

export interface EffectiveRoute {
  prefix: Cidr;
  nextHopType: NextHopType;
  source: "User" | "Default" | "InterfaceEndpoint";
  nextHopIp?: string;
  /** For user-defined routes. */
  routeTableId?: string;
  routeName?: string;
  /** For VNetPeering routes: the peering on the source VNet and the remote VNet's ID. */
  peering?: VirtualNetworkPeering;
  remoteVnetId?: string;
}

const DROPPED_PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

const NEXT_HOPS: Record<string, NextHopType> = {
  vnetlocal: "VnetLocal",
  virtualappliance: "VirtualAppliance",
  virtualnetworkgateway: "VirtualNetworkGateway",
  internet: "Internet",
  none: "None",
};

/** The address space of a VNet peered to `vnet` through `peering` (the peering's copy, else the remote VNet's). */
export function remoteSpace(peering: VirtualNetworkPeering, remote: VirtualNetwork | undefined): string[] {
  return peering.remoteAddressSpace?.addressPrefixes ?? remote?.addressSpace?.addressPrefixes ?? [];
}

/** A subnet's routes before any private endpoint /32: system routes then its route table's routes. */
export function subnetRoutes(
  vnet: VirtualNetwork | undefined,
  subnet: Subnet | undefined,
  routeTable: RouteTable | undefined,
  vnetOf: (id: string) => VirtualNetwork | undefined,
): EffectiveRoute[] {
  const routes: EffectiveRoute[] = [
    { prefix: parseCidr("0.0.0.0/0"), nextHopType: "Internet", source: "Default" },
    ...DROPPED_PRIVATE_RANGES.map((p): EffectiveRoute => ({ prefix: parseCidr(p), nextHopType: "None", source: "Default" })),
  ];
  for (const prefix of vnet?.addressSpace?.addressPrefixes ?? [])
    if (isCidr(prefix)) routes.push({ prefix: parseCidr(prefix), nextHopType: "VnetLocal", source: "Default" });
  for (const peering of vnet?.virtualNetworkPeerings ?? []) {
    if (peering.peeringState !== "Connected") continue;
    const remoteVnetId = peering.remoteVirtualNetwork?.id;
    for (const prefix of remoteSpace(peering, vnetOf(remoteVnetId ?? ""))) {
      if (isCidr(prefix)) routes.push({ prefix: parseCidr(prefix), nextHopType: "VNetPeering", source: "Default", peering, remoteVnetId });
    }
  }
  if (subnet?.routeTable?.id) for (const route of routeTable?.routes ?? []) routes.push(...userRoute(route, routeTable));
  return routes;
}

function userRoute(route: Route, table: RouteTable | undefined): EffectiveRoute[] {
  // Service-tag prefixes (AzureMachineLearning, Storage...) never cover a private endpoint's private IP.
  if (!route.addressPrefix || !isCidr(route.addressPrefix)) return [];
  const nextHopType = NEXT_HOPS[(route.nextHopType ?? "").toLowerCase()];
  if (!nextHopType) return [];
  return [
    { prefix: parseCidr(route.addressPrefix), nextHopType, source: "User", nextHopIp: route.nextHopIpAddress, routeTableId: table?.id, routeName: route.name },
  ];
}

export interface EndpointRouteContext {
  /** The VNet of the private endpoint, and whether the source VNet is it or a Connected peer of it. */
  endpointVnet: VirtualNetwork | undefined;
  endpointVnetId: string;
  /** Route-table network policies on the endpoint's subnet (Enabled or RouteTableEnabled). */
  routeTablePolicies: boolean;
}

/** The route taken to `ip` from a subnet whose routes are `routes` (in VNet `sourceVnetId`). */
export function routeTo(ip: string, routes: EffectiveRoute[], sourceVnetId: string, endpoint?: EndpointRouteContext): EffectiveRoute | undefined {
  const address = parseIpv4(ip);
  let best: EffectiveRoute | undefined;
  for (const route of routes) {
    if (!containsAddress(route.prefix, address)) continue;
    if (
      !best ||
      route.prefix.prefixLength > best.prefix.prefixLength ||
      (route.prefix.prefixLength === best.prefix.prefixLength && route.source === "User" && best.source !== "User")
    )
      best = route;
  }
  if (!endpoint) return best;
  const endpointRoute = privateEndpointRoute(ip, routes, sourceVnetId, endpoint);
  if (!endpointRoute) return best;
  const overriddenBy = endpoint.routeTablePolicies ? wideUserRoute(routes, address, endpoint.endpointVnet) : undefined;
  return overriddenBy ?? (best && best.source === "User" && best.prefix.prefixLength === 32 ? best : endpointRoute);
}

/** The endpoint's /32 system route: in its own VNet, and in VNets with a Connected peering to it. */
function privateEndpointRoute(ip: string, routes: EffectiveRoute[], sourceVnetId: string, endpoint: EndpointRouteContext): EffectiveRoute | undefined {
  const prefix = parseCidr(`${ip}/32`);
  if (sameId(sourceVnetId, endpoint.endpointVnetId)) return { prefix, nextHopType: "VnetLocal", source: "InterfaceEndpoint" };
  // Only through a peering whose known remote space holds the endpoint (a peering not yet synced after a change does not).
  const viaPeering = routes.find(
    (r) => r.nextHopType === "VNetPeering" && sameId(r.remoteVnetId, endpoint.endpointVnetId) && containsAddress(r.prefix, prefix.first),
  );
  return viaPeering ? { ...viaPeering, prefix, source: "InterfaceEndpoint" } : undefined;
}

/** A user-defined route covering the endpoint at least as wide as the endpoint VNet's space (0.0.0.0/0 excluded). */
function wideUserRoute(routes: EffectiveRoute[], address: number, endpointVnet: VirtualNetwork | undefined): EffectiveRoute | undefined {
  const spaces = (endpointVnet?.addressSpace?.addressPrefixes ?? [])
    .filter(isCidr)
    .map((p) => parseCidr(p))
    .filter((c) => containsAddress(c, address));
  const widest = Math.min(...spaces.map((c) => c.prefixLength));
  return routes
    .filter((r) => r.source === "User" && r.prefix.prefixLength > 0 && r.prefix.prefixLength <= widest && containsAddress(r.prefix, address))
    .sort((a, b) => b.prefix.prefixLength - a.prefix.prefixLength)[0];
}

export function describeRoute(route: EffectiveRoute): string {
  const via = route.nextHopType === "VirtualAppliance" ? ` ${route.nextHopIp ?? "(no next-hop IP)"}` : "";
  const where =
    route.source === "User"
      ? `route ${route.routeName} (${route.prefix.text}) of route table ${route.routeTableId?.split("/").pop()}`
      : `the system route ${route.prefix.text}`;
  return `${where} → ${route.nextHopType}${via}`;
}
