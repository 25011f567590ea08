/**
 * Microsoft.Network/virtualNetworks. Shapes from azure-rest-api-specs network 2024-07-01 `virtualNetwork.json` and
 * example VirtualNetworkCreate.json (test/fixtures/arm/); SDK types VirtualNetwork, AddressSpace, DhcpOptions in
 * @azure/arm-network.
 */
import type { AddressSpace } from "@azure/arm-network";
import { ArmError } from "../arm-error";
import { parsePrefix as parseIpPrefix, type Prefix, PrefixError, prefixContains, prefixesOverlap } from "../ip-prefix";
import type { ResourceTypeSpec } from "../resource-type";
import type { StoredResource } from "../store";
import { resourceGuid } from "./common";
import { asObject, asStrings, propertiesOf } from "./wire";

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

/** The address prefixes of a VNet body (the sandbox stored them as CIDR text). */
export function vnetPrefixes(vnet: unknown): string[] {
  return asStrings(asObject(propertiesOf(vnet).addressSpace).addressPrefixes);
}

/** A stored subnet's address prefix (the subnet type stored it as CIDR text). */
export function subnetPrefixOf(subnet: StoredResource): string {
  return String(propertiesOf(subnet.body).addressPrefix);
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
    const props = propertiesOf(request.body);
    const prefixes: unknown = asObject(props.addressSpace).addressPrefixes;
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
    const addressSpace: AddressSpace = { addressPrefixes: parsed.map((p) => p.text) };
    const dhcpOptions = { dnsServers: asObject(props.dhcpOptions).dnsServers ?? [] };
    return {
      properties: {
        addressSpace,
        dhcpOptions,
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
      const prefix = parseIpPrefix(subnetPrefixOf(subnet));
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
