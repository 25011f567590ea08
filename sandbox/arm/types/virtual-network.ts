import { ArmError } from "../arm-error";
import { parsePrefix as parseIpPrefix, type Prefix, PrefixError, prefixContains, prefixesOverlap } from "../ip-prefix";
import type { ResourceTypeSpec } from "../resource-type";
import type { Json } from "../store";
import { resourceGuid } from "./common";

export const VNET = "Microsoft.Network/virtualNetworks";
export const SUBNET = "Microsoft.Network/virtualNetworks/subnets";
export const PEERING = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings";

export function parsePrefix(prefix: unknown, where: string): Prefix {
  try {
    return parseIpPrefix(String(prefix));
  } catch (error) {
    throw new ArmError(
      400,
      "InvalidAddressPrefixFormat",
      `Address prefix ${String(prefix)} of resource ${where} is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24. (${(error as PrefixError).message})`,
    );
  }
}

export function vnetPrefixes(vnet: Json): string[] {
  return vnet?.properties?.addressSpace?.addressPrefixes ?? [];
}

export const virtualNetworkType: ResourceTypeSpec = {
  type: VNET,
  lro: "network",
  placement: "tracked",
  etag: true,
  inlineChildren: [
    { property: "subnets", type: SUBNET, keepWhenOmitted: false },
    { property: "virtualNetworkPeerings", type: PEERING, keepWhenOmitted: true },
  ],
  write(_ctx, request) {
    const props = request.body.properties ?? {};
    const prefixes: unknown = props.addressSpace?.addressPrefixes;
    if (!Array.isArray(prefixes) || prefixes.length === 0) {
      throw new ArmError(
        400,
        "InvalidRequestFormat",
        `Cannot parse the request. The virtual network ${request.id} must have at least one address prefix in addressSpace.addressPrefixes.`,
      );
    }
    const parsed = prefixes.map((p) => parsePrefix(p, request.id));
    for (let i = 0; i < parsed.length; i++) {
      for (let j = i + 1; j < parsed.length; j++) {
        if (prefixesOverlap(parsed[i], parsed[j])) {
          throw new ArmError(
            400,
            "NetcfgInvalidVirtualNetworkAddressSpace",
            `Address prefixes ${parsed[i].text} and ${parsed[j].text} of virtual network ${request.id} overlap.`,
          );
        }
      }
    }
    const dnsServers: string[] = props.dhcpOptions?.dnsServers ?? [];
    return {
      properties: {
        addressSpace: { addressPrefixes: parsed.map((p) => p.text) },
        dhcpOptions: { dnsServers },
        resourceGuid: resourceGuid(request),
        enableDdosProtection: props.enableDdosProtection ?? false,
        ...(props.flowTimeoutInMinutes !== undefined ? { flowTimeoutInMinutes: props.flowTimeoutInMinutes } : {}),
        privateEndpointVNetPolicies: props.privateEndpointVNetPolicies ?? "Disabled",
      },
    };
  },
  afterWrite(ctx, vnet) {
    // Subnets kept from before must still fit an address space that changed.
    for (const subnet of ctx.store.childrenOf(vnet.id, SUBNET)) {
      const prefix = parseIpPrefix(subnet.body.properties.addressPrefix);
      if (!vnetPrefixes(vnet.body).some((p) => prefixContains(parseIpPrefix(p), prefix))) {
        throw new ArmError(
          400,
          "NetcfgSubnetRangeOutsideVnet",
          `Subnet '${subnet.name}' is not valid because its IP address range is outside the IP address range of virtual network '${vnet.name}'.`,
        );
      }
    }
  },
};
