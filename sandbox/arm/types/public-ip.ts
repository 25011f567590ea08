import { ArmError } from "../arm-error";
import type { ResourceTypeSpec } from "../resource-type";
import { nextAddress } from "../ip-prefix";
import { idRefs, resourceGuid, sameId } from "./common";

export const PUBLIC_IP = "Microsoft.Network/publicIPAddresses";
export const NAT_GATEWAY = "Microsoft.Network/natGateways";

/** Public addresses come from a documentation range (TEST-NET-3), never a routable one. */
const PUBLIC_POOL_START = "203.0.113.10";

export const publicIpType: ResourceTypeSpec = {
  type: PUBLIC_IP,
  lro: "network",
  placement: "tracked",
  etag: true,
  write(ctx, request) {
    const props = request.body.properties ?? {};
    const sku = request.body.sku?.name ?? "Standard";
    const used = new Set(ctx.store.resourcesOfType(PUBLIC_IP, `/subscriptions/${request.address.subscriptionId}`).map((r) => r.body.properties.ipAddress));
    let address = request.existing?.body.properties.ipAddress;
    for (let candidate: string | undefined = PUBLIC_POOL_START; !address && candidate; candidate = nextAddress(candidate))
      if (!used.has(candidate)) address = candidate;
    return {
      sku: { name: sku, tier: request.body.sku?.tier ?? "Regional" },
      properties: {
        resourceGuid: resourceGuid(request),
        publicIPAddressVersion: "IPv4",
        publicIPAllocationMethod: sku === "Standard" ? "Static" : (props.publicIPAllocationMethod ?? "Dynamic"),
        idleTimeoutInMinutes: props.idleTimeoutInMinutes ?? 4,
        ipAddress: address,
        ipTags: [],
      },
    };
  },
  view(ctx, ip, body) {
    const holder = ctx.store.referencing(ip.id).find((r) => r.type === "Microsoft.Network/networkInterfaces");
    const config = holder?.body.properties.ipConfigurations.find((c: { properties: { publicIPAddress?: { id: string } } }) =>
      sameId(c.properties.publicIPAddress?.id, ip.id),
    );
    if (config) body.properties.ipConfiguration = { id: config.id };
    const nat = ctx.store.referencing(ip.id).find((r) => r.type === NAT_GATEWAY);
    if (nat) body.properties.natGateway = { id: nat.id };
  },
  checkDelete(ctx, ip) {
    const holder = ctx.store.referencing(ip.id)[0];
    if (holder)
      throw new ArmError(
        400,
        "PublicIPAddressCannotBeDeleted",
        `Public IP address ${ip.id} can not be deleted since it is still allocated to resource ${holder.id}. In order to delete the public IP, disassociate/detach the Public IP address from the resource.`,
      );
  },
};

export const natGatewayType: ResourceTypeSpec = {
  type: NAT_GATEWAY,
  lro: "network",
  placement: "tracked",
  etag: true,
  write(ctx, request) {
    const props = request.body.properties ?? {};
    for (const ref of props.publicIpAddresses ?? []) {
      if (!ctx.resolve(ref.id))
        throw new ArmError(
          400,
          "InvalidResourceReference",
          `Resource ${ref.id} referenced by resource ${request.id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        );
    }
    return {
      sku: { name: "Standard" },
      properties: {
        resourceGuid: resourceGuid(request),
        idleTimeoutInMinutes: props.idleTimeoutInMinutes ?? 4,
        publicIpAddresses: (props.publicIpAddresses ?? []).map((r: { id: string }) => ({ id: r.id })),
      },
    };
  },
  view(ctx, nat, body) {
    const subnets = ctx.store.referencing(nat.id).filter((r) => sameId(r.body.properties?.natGateway?.id, nat.id));
    if (subnets.length) body.properties.subnets = idRefs(subnets);
  },
  checkDelete(ctx, nat) {
    const subnet = ctx.store.referencing(nat.id).find((r) => sameId(r.body.properties?.natGateway?.id, nat.id));
    if (subnet) throw new ArmError(400, "InUseNatGatewayCannotBeDeleted", `Nat Gateway ${nat.id} is in use by subnet ${subnet.id} and cannot be deleted.`);
  },
};
