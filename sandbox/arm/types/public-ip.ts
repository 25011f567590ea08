/**
 * Microsoft.Network/publicIPAddresses and natGateways. Shapes from azure-rest-api-specs network 2024-07-01
 * `publicIpAddress.json`, `natGateway.json` and examples PublicIpAddressCreateDefaults.json, NatGatewayCreateOrUpdate.json
 * (test/fixtures/arm); SDK types PublicIPAddress, NatGateway in @azure/arm-network.
 */
import { ArmError } from "../arm-error";
import type { ResourceTypeSpec } from "../resource-type";
import { nextAddress } from "../ip-prefix";
import { idRefs, resourceGuid, sameId } from "./common";
import { asObject, asObjects, asString, propertiesOf, refIdOf } from "./wire";

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
    const props = propertiesOf(request.body);
    const skuGiven = asObject(asObject(request.body).sku);
    const sku = skuGiven.name ?? "Standard";
    const used = new Set(
      ctx.store.resourcesOfType(PUBLIC_IP, `/subscriptions/${request.address.subscriptionId}`).map((r) => asString(propertiesOf(r.body).ipAddress)),
    );
    let address = asString(propertiesOf(request.existing?.body).ipAddress);
    for (let candidate: string | undefined = PUBLIC_POOL_START; !address && candidate; candidate = nextAddress(candidate))
      if (!used.has(candidate)) address = candidate;
    return {
      sku: { name: sku, tier: skuGiven.tier ?? "Regional" },
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
    const config = asObjects(propertiesOf(holder?.body).ipConfigurations).find((c) => sameId(refIdOf(asObject(c.properties).publicIPAddress), ip.id));
    const props = propertiesOf(body);
    if (config) props.ipConfiguration = { id: config.id };
    const nat = ctx.store.referencing(ip.id).find((r) => r.type === NAT_GATEWAY);
    if (nat) props.natGateway = { id: nat.id };
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
    const props = propertiesOf(request.body);
    const publicIpAddresses = asObjects(props.publicIpAddresses);
    for (const ref of publicIpAddresses) {
      const id = refIdOf(ref);
      if (!id || !ctx.resolve(id))
        throw new ArmError(
          400,
          "InvalidResourceReference",
          `Resource ${String(ref.id)} referenced by resource ${request.id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        );
    }
    return {
      sku: { name: "Standard" },
      properties: {
        resourceGuid: resourceGuid(request),
        idleTimeoutInMinutes: props.idleTimeoutInMinutes ?? 4,
        publicIpAddresses: publicIpAddresses.map((r) => ({ id: r.id })),
      },
    };
  },
  view(ctx, nat, body) {
    const subnets = ctx.store.referencing(nat.id).filter((r) => sameId(refIdOf(propertiesOf(r.body).natGateway), nat.id));
    if (subnets.length) propertiesOf(body).subnets = idRefs(subnets);
  },
  checkDelete(ctx, nat) {
    const subnet = ctx.store.referencing(nat.id).find((r) => sameId(refIdOf(propertiesOf(r.body).natGateway), nat.id));
    if (subnet) throw new ArmError(400, "InUseNatGatewayCannotBeDeleted", `Nat Gateway ${nat.id} is in use by subnet ${subnet.id} and cannot be deleted.`);
  },
};
