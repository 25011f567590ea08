/**
 * Microsoft.Network/virtualNetworks/subnets. Shapes from azure-rest-api-specs network 2024-07-01 `virtualNetwork.json`
 * (Subnet, Delegation) and example SubnetCreate.json (test/fixtures/arm/); SDK types Subnet, Delegation in
 * @azure/arm-network.
 */
import { ArmError } from "../arm-error";
import { prefixContains, prefixesOverlap } from "../ip-prefix";
import { ResourceTypeSpec, requireReference } from "../resource-type";
import { ipConfigurationsIn } from "./address-allocation";
import { idRefs, listProperty, requireSameRegion, sameId, trackedLocation } from "./common";
import { parsePrefix, SUBNET, subnetPrefixOf, vnetPrefixes } from "./virtual-network";
import { asObject, JsonObject, propertiesOf, refIdOf } from "./wire";

const NSG = "Microsoft.Network/networkSecurityGroups";
const ROUTE_TABLE = "Microsoft.Network/routeTables";
const NAT_GATEWAY = "Microsoft.Network/natGateways";
const PRIVATE_ENDPOINT = "Microsoft.Network/privateEndpoints";

export const subnetType: ResourceTypeSpec = {
  type: SUBNET,
  lro: "network",
  placement: "child",
  etag: true,
  write(ctx, request) {
    const vnet = request.parent;
    if (!vnet) throw new ArmError(404, "ParentResourceNotFound", "Can not perform requested operation on nested resource. Parent resource not found.");
    const props = propertiesOf(request.body);
    const given: unknown = props.addressPrefix ?? (Array.isArray(props.addressPrefixes) ? props.addressPrefixes[0] : undefined);
    if (given === undefined)
      throw new ArmError(
        400,
        "NetcfgInvalidSubnet",
        `Subnet '${request.address.names[1]}' is not valid in virtual network '${vnet.name}': it has no address prefix.`,
      );
    const prefix = parsePrefix(given, request.id);
    if (prefix.bits > 29) {
      throw new ArmError(
        400,
        "NetcfgInvalidSubnet",
        `Subnet '${request.address.names[1]}' is not valid in virtual network '${vnet.name}'. The smallest supported subnet is /29; ${prefix.text} is too small.`,
      );
    }
    if (!vnetPrefixes(vnet.body).some((p) => prefixContains(parsePrefix(p, vnet.id), prefix))) {
      throw new ArmError(
        400,
        "NetcfgSubnetRangeOutsideVnet",
        `Subnet '${request.address.names[1]}' is not valid because its IP address range is outside the IP address range of virtual network '${vnet.name}'.`,
      );
    }
    for (const sibling of ctx.store.childrenOf(vnet.id, SUBNET)) {
      if (sameId(sibling.id, request.id)) continue;
      if (prefixesOverlap(parsePrefix(subnetPrefixOf(sibling), sibling.id), prefix)) {
        throw new ArmError(
          400,
          "NetcfgSubnetRangesOverlap",
          `Subnet '${request.address.names[1]}' is not valid because its IP address range overlaps with that of an existing subnet '${sibling.name}' in virtual network '${vnet.name}'.`,
        );
      }
    }
    const inUse = request.existing ? ipConfigurationsIn(ctx, request.id) : [];
    if (request.existing && subnetPrefixOf(request.existing) !== prefix.text && inUse.length > 0) {
      throw new ArmError(400, "InUseSubnetCannotBeUpdated", `Subnet ${request.address.names[1]} is in use and cannot be updated.`);
    }
    const properties: JsonObject = {
      addressPrefix: prefix.text,
      delegations: listProperty(props, "delegations", request.id)
        .map(asObject)
        .map((d) => ({
          name: d.name,
          id: `${request.id}/delegations/${String(d.name)}`,
          type: "Microsoft.Network/virtualNetworks/subnets/delegations",
          properties: { serviceName: propertiesOf(d).serviceName, actions: propertiesOf(d).actions ?? [], provisioningState: "Succeeded" },
        })),
      serviceEndpoints: props.serviceEndpoints ?? [],
      privateEndpointNetworkPolicies: props.privateEndpointNetworkPolicies ?? "Disabled",
      privateLinkServiceNetworkPolicies: props.privateLinkServiceNetworkPolicies ?? "Enabled",
    };
    for (const [property, type] of [
      ["networkSecurityGroup", NSG],
      ["routeTable", ROUTE_TABLE],
      ["natGateway", NAT_GATEWAY],
    ] as const) {
      const id = refIdOf(props[property]);
      if (!id) continue;
      const target = requireReference(ctx, props[property], type, request.id);
      requireSameRegion(property, trackedLocation(vnet), target.id, trackedLocation(target), request.id);
      properties[property] = { id: target.id };
    }
    if (props.defaultOutboundAccess !== undefined) properties.defaultOutboundAccess = props.defaultOutboundAccess;
    return { properties, type: SUBNET };
  },
  view(ctx, subnet, body) {
    const ipConfigurations = ipConfigurationsIn(ctx, subnet.id);
    const props = propertiesOf(body);
    if (ipConfigurations.length) props.ipConfigurations = ipConfigurations.map((c) => ({ id: c.id }));
    const endpoints = ctx.store.referencing(subnet.id).filter((r) => r.type === PRIVATE_ENDPOINT);
    if (endpoints.length) props.privateEndpoints = idRefs(endpoints);
  },
  checkDelete(ctx, subnet) {
    const inUse = ipConfigurationsIn(ctx, subnet.id);
    if (inUse.length) {
      throw new ArmError(
        400,
        "InUseSubnetCannotBeDeleted",
        `Subnet ${subnet.name} is in use by ${inUse[0].id} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`,
      );
    }
  },
};
