/**
 * Microsoft.Network/dnsResolvers with inboundEndpoints and outboundEndpoints. Shapes from azure-rest-api-specs
 * dnsresolver 2022-07-01 `dnsresolver.json` and examples DnsResolver_Put.json, InboundEndpoint_Put.json (field
 * casing privateIpAddress / privateIpAllocationMethod, unlike the Network RP), OutboundEndpoint_Put.json; SDK types
 * DnsResolver, InboundEndpoint, OutboundEndpoint, IpConfiguration in @azure/arm-dnsresolver. Refusals: a subnet not
 * delegated to Microsoft.Network/dnsResolvers answers SubnetMissingRequiredDelegation (MicrosoftDocs/azure-docs#107008);
 * a subnet outside /28–/24 or already used answers BadRequest with the message recorded in
 * Azure/azure-rest-api-specs#21744; one resolver per VNet, same region (learn dns/dns-private-resolver-overview).
 */
import type { IpConfiguration } from "@azure/arm-dnsresolver";
import { containsAddress, parseCidr, parseIpv4 } from "../../../network/cidr";
import { ArmError } from "../arm-error";
import { ArmContext, ResourceTypeSpec, requireReference } from "../resource-type";
import type { StoredResource } from "../store";
import { allocateAddress } from "./address-allocation";
import { requireEnum, requireSameRegion, resourceGuid, sameId, vnetOfSubnet, trackedLocation } from "./common";
import { asObject, asObjects, asString, refIdOf } from "./wire";

/**
 * Stored bodies read here, in wire shape (`properties` nested, which the SDK models flatten): a DNS resolver and its
 * endpoints as dnsresolver.json (2022-07-01) defines them, and the Microsoft.Network subnet fields an endpoint needs.
 */
type ResolverBody = {
  properties: { virtualNetwork: { id: string } };
};
type EndpointBody = {
  properties?: { subnet?: { id?: string }; ipConfigurations?: IpConfiguration[] };
};
type SubnetBody = {
  properties: { addressPrefix?: string; delegations?: Array<{ properties?: { serviceName?: string } }> };
};

function resolverVnetId(resolver: StoredResource): string {
  return (resolver.body as ResolverBody).properties.virtualNetwork.id;
}

function subnetProperties(subnet: StoredResource): SubnetBody["properties"] {
  return (subnet.body as SubnetBody).properties;
}

export const DNS_RESOLVER = "Microsoft.Network/dnsResolvers";
export const INBOUND_ENDPOINT = "Microsoft.Network/dnsResolvers/inboundEndpoints";
export const OUTBOUND_ENDPOINT = "Microsoft.Network/dnsResolvers/outboundEndpoints";
const VNET = "Microsoft.Network/virtualNetworks";
const SUBNET = "Microsoft.Network/virtualNetworks/subnets";
const DELEGATION = "Microsoft.Network/dnsResolvers";

export const dnsResolverType: ResourceTypeSpec = {
  type: DNS_RESOLVER,
  lro: "network",
  placement: "tracked",
  write(ctx, request) {
    const body = asObject(request.body);
    const props = asObject(body.properties);
    const vnet = requireReference(ctx, props.virtualNetwork, VNET, request.id);
    requireSameRegion("Virtual network", String(body.location).replace(/\s+/g, "").toLowerCase(), vnet.id, trackedLocation(vnet), request.id);
    if (request.existing && !sameId(resolverVnetId(request.existing), vnet.id)) {
      throw new ArmError(400, "BadRequest", `The virtual network of DNS resolver ${request.id} cannot be changed.`);
    }
    const other = ctx.store
      .referencing(vnet.id)
      .find((r) => r.type === DNS_RESOLVER && !sameId(r.id, request.id) && sameId(refIdOf(asObject(asObject(r.body).properties).virtualNetwork), vnet.id));
    if (other)
      throw new ArmError(
        400,
        "BadRequest",
        `Virtual network ${vnet.id} already has the DNS resolver ${other.id}; a virtual network can have only one DNS resolver.`,
      );
    return { properties: { virtualNetwork: { id: vnet.id }, dnsResolverState: "Connected", resourceGuid: resourceGuid(request) } };
  },
  checkDelete(ctx, resolver) {
    const child = [...ctx.store.childrenOf(resolver.id, INBOUND_ENDPOINT), ...ctx.store.childrenOf(resolver.id, OUTBOUND_ENDPOINT)][0];
    if (child)
      throw new ArmError(409, "Conflict", `DNS resolver ${resolver.name} cannot be deleted while it has the endpoint ${child.id}. Delete its endpoints first.`);
  },
};

/** The subnet an endpoint takes: in the resolver's VNet, delegated to dnsResolvers, /28–/24, used by no other endpoint. */
function endpointSubnet(ctx: ArmContext, resolver: StoredResource, subnetRef: unknown, selfId: string): StoredResource {
  const subnet = requireReference(ctx, subnetRef, SUBNET, selfId);
  const vnet = vnetOfSubnet(ctx, subnet.id) as StoredResource;
  const subnetProps = subnetProperties(subnet);
  if (!sameId(vnet.id, resolverVnetId(resolver))) {
    throw new ArmError(
      400,
      "BadRequest",
      `The specified subnet ${subnet.id} is not in the virtual network ${resolverVnetId(resolver)} of DNS resolver ${resolver.name}.`,
    );
  }
  const delegated = (subnetProps.delegations ?? []).some((d) => d.properties?.serviceName?.toLowerCase() === DELEGATION.toLowerCase());
  if (!delegated) {
    throw new ArmError(
      400,
      "SubnetMissingRequiredDelegation",
      `Subnet ${subnet.id} requires any of the following delegation(s) [${DELEGATION}] to reference service association link ${subnet.id}/serviceAssociationLinks/dnsResolverLink.`,
    );
  }
  const prefix = parseCidr(String(subnetProps.addressPrefix));
  const usedBy = [...ctx.store.resources()].find(
    (r) => (r.type === INBOUND_ENDPOINT || r.type === OUTBOUND_ENDPOINT) && !sameId(r.id, selfId) && endpointSubnetIds(r).some((id) => sameId(id, subnet.id)),
  );
  if (prefix.prefixLength < 24 || prefix.prefixLength > 28 || usedBy) {
    throw new ArmError(
      400,
      "BadRequest",
      `The specified subnet ${subnet.id} could not be used to provision the ${selfId.includes("/inboundEndpoints/") ? "inbound" : "outbound"} endpoint. Please make sure you use a subnet of at least /28 and at most /24 size, which is not currently in use by any other DNS resolver endpoint or any other Azure service workloads.`,
    );
  }
  return subnet;
}

function endpointSubnetIds(endpoint: StoredResource): Array<string | undefined> {
  const props = (endpoint.body as EndpointBody).properties ?? {};
  return endpoint.type === OUTBOUND_ENDPOINT ? [props.subnet?.id] : (props.ipConfigurations ?? []).map((c) => c.subnet?.id);
}

function parentResolver(request: { parent?: StoredResource }): StoredResource {
  if (!request.parent) throw new ArmError(404, "ParentResourceNotFound", "Can not perform requested operation on nested resource. Parent resource not found.");
  return request.parent;
}

export const inboundEndpointType: ResourceTypeSpec = {
  type: INBOUND_ENDPOINT,
  lro: "network",
  placement: "tracked",
  write(ctx, request) {
    const resolver = parentResolver(request);
    const given = asObjects(asObject(asObject(request.body).properties).ipConfigurations);
    if (given.length !== 1) throw new ArmError(400, "BadRequest", `Inbound endpoint ${request.id} needs exactly one IP configuration.`);
    const before = (request.existing?.body as EndpointBody | undefined)?.properties?.ipConfigurations ?? [];
    const ipConfigurations: IpConfiguration[] = given.map((ipc) => {
      const subnet = endpointSubnet(ctx, resolver, ipc.subnet, request.id);
      const method = requireEnum(ipc.privateIpAllocationMethod ?? "Dynamic", ["Static", "Dynamic"], "privateIpAllocationMethod", request.id) as
        "Static" | "Dynamic";
      let address = asString(ipc.privateIpAddress);
      if (method === "Static") {
        const subnetPrefix = subnetProperties(subnet).addressPrefix;
        if (!address || !containsAddress(parseCidr(String(subnetPrefix)), parseIpv4(address))) {
          throw new ArmError(
            400,
            "BadRequest",
            `The private IP address '${address ?? ""}' of inbound endpoint ${request.id} is not in subnet ${subnet.id} (${subnetPrefix}).`,
          );
        }
      } else {
        // Dynamic takes the first free address of the subnet, usually .4 (learn dns/private-resolver-endpoints-rulesets).
        address = before.find((b) => sameId(b.subnet?.id, subnet.id))?.privateIpAddress ?? allocateAddress(ctx, subnet);
      }
      return { subnet: { id: subnet.id }, privateIpAddress: address, privateIpAllocationMethod: method };
    });
    return { properties: { ipConfigurations, resourceGuid: resourceGuid(request) } };
  },
};

export const outboundEndpointType: ResourceTypeSpec = {
  type: OUTBOUND_ENDPOINT,
  lro: "network",
  placement: "tracked",
  write(ctx, request) {
    const resolver = parentResolver(request);
    const subnet = endpointSubnet(ctx, resolver, asObject(asObject(request.body).properties).subnet, request.id);
    return { properties: { subnet: { id: subnet.id }, resourceGuid: resourceGuid(request) } };
  },
};
