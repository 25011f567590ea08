/**
 * Microsoft.Network/routeTables and .../routes. Shapes from azure-rest-api-specs network 2024-07-01 `routeTable.json`
 * (RouteNextHopType: VirtualNetworkGateway, VnetLocal, Internet, VirtualAppliance, None) and example
 * RouteTableCreateWithRoute.json (test/fixtures/arm/); SDK types RouteTable, Route in @azure/arm-network.
 */
import { ArmError } from "../arm-error";
import type { ResourceTypeSpec } from "../resource-type";
import { isPrefix } from "../ip-prefix";
import type { StoredResource } from "../store";
import { idRefs, requireEnum, resourceGuid, sameId } from "./common";
import { propertiesOf, refIdOf } from "./wire";

export const ROUTE_TABLE = "Microsoft.Network/routeTables";
export const ROUTE = "Microsoft.Network/routeTables/routes";

const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)?$/;

export const routeTableType: ResourceTypeSpec = {
  type: ROUTE_TABLE,
  lro: "network",
  placement: "tracked",
  etag: true,
  inlineChildren: [{ property: "routes", type: ROUTE, keepWhenOmitted: false }],
  write(_ctx, request) {
    return { properties: { disableBgpRoutePropagation: propertiesOf(request.body).disableBgpRoutePropagation ?? false, resourceGuid: resourceGuid(request) } };
  },
  view(ctx, table, body) {
    const subnets = ctx.store.referencing(table.id).filter((r) => usesTable(r, table.id));
    if (subnets.length) propertiesOf(body).subnets = idRefs(subnets);
  },
  checkDelete(ctx, table) {
    if (ctx.store.referencing(table.id).some((r) => usesTable(r, table.id))) {
      throw new ArmError(400, "InUseRouteTableCannotBeDeleted", `Route table ${table.name} is in use and cannot be deleted.`);
    }
  },
};

function usesTable(holder: StoredResource, tableId: string): boolean {
  return sameId(refIdOf(propertiesOf(holder.body).routeTable), tableId);
}

export const routeType: ResourceTypeSpec = {
  type: ROUTE,
  lro: "network",
  placement: "child",
  etag: true,
  write(_ctx, request) {
    const props = propertiesOf(request.body);
    const prefix = String(props.addressPrefix ?? "");
    if (!isPrefix(prefix) && !SERVICE_TAG.test(prefix)) {
      throw new ArmError(
        400,
        "InvalidAddressPrefixFormat",
        `Address prefix ${prefix} of resource ${request.id} is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24, or be a service tag.`,
      );
    }
    const nextHopType = requireEnum(
      props.nextHopType,
      ["VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None"],
      "nextHopType",
      request.id,
    );
    if (nextHopType === "VirtualAppliance" && !props.nextHopIpAddress) {
      throw new ArmError(400, "InvalidNextHopIpAddress", `Route ${request.id} has next hop type VirtualAppliance but no nextHopIpAddress.`);
    }
    if (nextHopType !== "VirtualAppliance" && props.nextHopIpAddress) {
      throw new ArmError(400, "NextHopIpAddressNotAllowed", `Route ${request.id} cannot have a nextHopIpAddress with next hop type ${nextHopType}.`);
    }
    return {
      type: ROUTE,
      properties: {
        addressPrefix: prefix,
        nextHopType,
        ...(props.nextHopIpAddress ? { nextHopIpAddress: props.nextHopIpAddress } : {}),
        hasBgpOverride: false,
      },
    };
  },
};
