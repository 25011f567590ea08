import assert from "node:assert/strict";
import type { RouteTable, Subnet, VirtualNetwork } from "@azure/arm-network";
import { routeTo, subnetRoutes } from "../../../readiness/path/routes";

const NET = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Network";
const spokeId = `${NET}/virtualNetworks/vnet-spoke`;
const amlId = `${NET}/virtualNetworks/vnet-aml`;
const hubId = `${NET}/virtualNetworks/vnet-hub`;
const aml: VirtualNetwork = { id: amlId, addressSpace: { addressPrefixes: ["10.10.0.0/16"] } };
const hub: VirtualNetwork = { id: hubId, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } };
const peering = (remote: VirtualNetwork, state = "Connected") => ({
  name: `to-${remote.id?.split("/").pop()}`,
  remoteVirtualNetwork: { id: remote.id },
  remoteAddressSpace: remote.addressSpace,
  peeringState: state,
});
const table = (routes: RouteTable["routes"]): RouteTable => ({ id: `${NET}/routeTables/rt`, routes });
const subnet: Subnet = { id: `${spokeId}/subnets/snet`, addressPrefix: "10.50.1.0/24", routeTable: { id: `${NET}/routeTables/rt` } };
const lookup = (id: string) => [aml, hub].find((v) => v.id === id);
const endpoint = (routeTablePolicies: boolean) => ({ endpointVnet: aml, endpointVnetId: amlId, routeTablePolicies });

/** Azure's route selection as the path model applies it to a private endpoint's IP (learn: virtual-networks-udr-overview, disable-private-endpoint-network-policy). */
describe("path model routes: longest prefix, user routes over system routes, private endpoint /32s", () => {
  it("a private IP no route covers falls to the RFC 1918 system route, next hop None", () => {
    const spoke: VirtualNetwork = { id: spokeId, addressSpace: { addressPrefixes: ["10.50.0.0/16"] } };
    const route = routeTo("10.10.2.5", subnetRoutes(spoke, { ...subnet, routeTable: undefined }, undefined, lookup), spokeId, endpoint(false));
    assert.deepEqual([route?.nextHopType, route?.prefix.text, route?.source], ["None", "10.0.0.0/8", "Default"]);
  });

  it("a Connected peering gives the endpoint a /32 that beats a wider user route to an appliance", () => {
    const spoke: VirtualNetwork = { id: spokeId, addressSpace: { addressPrefixes: ["10.50.0.0/16"] }, virtualNetworkPeerings: [peering(aml), peering(hub)] };
    const routes = subnetRoutes(
      spoke,
      subnet,
      table([{ name: "all-private", addressPrefix: "10.0.0.0/8", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }]),
      lookup,
    );
    assert.equal(routeTo("10.10.2.5", routes, spokeId, endpoint(false))?.nextHopType, "VNetPeering");
    assert.equal(routeTo("10.10.2.5", routes, spokeId, endpoint(false))?.prefix.text, "10.10.2.5/32");
    // 10.0.0.0/8 is wider than the endpoint VNet's /16: with route-table policies on the endpoint subnet it overrides the /32.
    assert.equal(routeTo("10.10.2.5", routes, spokeId, endpoint(true))?.nextHopType, "VirtualAppliance");
  });

  it("a user route narrower than the endpoint VNet's space does not invalidate the /32, nor does 0.0.0.0/0", () => {
    const spoke: VirtualNetwork = { id: spokeId, addressSpace: { addressPrefixes: ["10.50.0.0/16"] }, virtualNetworkPeerings: [peering(aml), peering(hub)] };
    const routes = subnetRoutes(
      spoke,
      subnet,
      table([
        { name: "endpoints", addressPrefix: "10.10.2.0/24", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" },
        { name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" },
      ]),
      lookup,
    );
    assert.equal(routeTo("10.10.2.5", routes, spokeId, endpoint(true))?.nextHopType, "VNetPeering");
  });

  it("without a peering to the endpoint's VNet the user route to the hub appliance carries it; an Initiated peering adds no route", () => {
    const spoke: VirtualNetwork = {
      id: spokeId,
      addressSpace: { addressPrefixes: ["10.50.0.0/16"] },
      virtualNetworkPeerings: [peering(aml, "Initiated"), peering(hub)],
    };
    const routes = subnetRoutes(
      spoke,
      subnet,
      table([{ name: "to-aml", addressPrefix: "10.10.0.0/16", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }]),
      lookup,
    );
    const route = routeTo("10.10.2.5", routes, spokeId, endpoint(false));
    assert.deepEqual([route?.nextHopType, route?.nextHopIp, route?.routeName], ["VirtualAppliance", "10.0.0.4", "to-aml"]);
    assert.equal(routeTo("10.0.0.4", routes, spokeId)?.nextHopType, "VNetPeering");
  });

  it("on equal prefixes a user route wins over the system route; service-tag prefixes never match a private IP", () => {
    const spoke: VirtualNetwork = { id: spokeId, addressSpace: { addressPrefixes: ["10.50.0.0/16"] }, virtualNetworkPeerings: [peering(aml)] };
    const routes = subnetRoutes(
      spoke,
      { ...subnet },
      table([
        { name: "blackhole", addressPrefix: "10.10.0.0/16", nextHopType: "None" },
        { name: "ml", addressPrefix: "AzureMachineLearning", nextHopType: "Internet" },
      ]),
      lookup,
    );
    const other = routeTo("10.10.9.9", routes, spokeId);
    assert.deepEqual([other?.nextHopType, other?.source, other?.routeName], ["None", "User", "blackhole"]);
    assert.equal(
      routes.some((r) => r.routeName === "ml"),
      false,
    );
  });
});
