/**
 * Microsoft.Network/dnsForwardingRulesets with forwardingRules and virtualNetworkLinks. Shapes from
 * azure-rest-api-specs dnsresolver 2022-07-01 `dnsresolver.json` and examples DnsForwardingRuleset_Put.json,
 * DnsForwardingRuleset_Get.json, ForwardingRule_Put.json (domainName with a trailing dot, targetDnsServers
 * [{ipAddress, port}], forwardingRuleState Enabled|Disabled), VirtualNetworkLink_Put.json; SDK types in
 * @azure/arm-dnsresolver. Limits from learn dns/dns-private-resolver-overview and private-resolver-endpoints-rulesets:
 * 168.63.129.16 is not a valid target; a ruleset is linked to VNets in its region without peering.
 */
import type { TargetDnsServer } from "@azure/arm-dnsresolver";
import { ArmError } from "../arm-error";
import { ResourceTypeSpec, requireReference } from "../resource-type";
import { requireEnum, requireSameRegion, resourceGuid, sameId, trackedLocation } from "./common";
import { OUTBOUND_ENDPOINT } from "./dns-resolver";
import { asObject, asObjects, asString, propertiesOf, refIdOf } from "./wire";

export const FORWARDING_RULESET = "Microsoft.Network/dnsForwardingRulesets";
export const FORWARDING_RULE = "Microsoft.Network/dnsForwardingRulesets/forwardingRules";
export const RULESET_VNET_LINK = "Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks";
const VNET = "Microsoft.Network/virtualNetworks";
const AZURE_DNS = "168.63.129.16";
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export const forwardingRulesetType: ResourceTypeSpec = {
  type: FORWARDING_RULESET,
  lro: "network",
  placement: "tracked",
  write(ctx, request) {
    const body = asObject(request.body);
    const refs = asObjects(asObject(body.properties).dnsResolverOutboundEndpoints);
    if (refs.length === 0)
      throw new ArmError(400, "BadRequest", `DNS forwarding ruleset ${request.id} needs at least one outbound endpoint in dnsResolverOutboundEndpoints.`);
    const location = String(body.location).replace(/\s+/g, "").toLowerCase();
    const endpoints = refs.map((ref) => {
      const endpoint = requireReference(ctx, ref, OUTBOUND_ENDPOINT, request.id);
      requireSameRegion("Outbound endpoint", location, endpoint.id, trackedLocation(endpoint), request.id);
      return { id: endpoint.id };
    });
    return { properties: { dnsResolverOutboundEndpoints: endpoints, resourceGuid: resourceGuid(request) } };
  },
};

export const forwardingRuleType: ResourceTypeSpec = {
  type: FORWARDING_RULE,
  lro: "sync",
  placement: "child",
  write(_ctx, request) {
    const props = asObject(asObject(request.body).properties);
    const domainName = asString(props.domainName) ?? "";
    if (!/^([A-Za-z0-9_-]+\.)+$/.test(domainName) && domainName !== ".") {
      throw new ArmError(
        400,
        "BadRequest",
        `The domain name '${domainName}' of forwarding rule ${request.id} is not valid: it must be a fully qualified name ending with a dot, e.g. 'contoso.com.'.`,
      );
    }
    const servers = asObjects(props.targetDnsServers);
    if (servers.length < 1 || servers.length > 6)
      throw new ArmError(400, "BadRequest", `Forwarding rule ${request.id} needs 1 to 6 target DNS servers; it has ${servers.length}.`);
    const targetDnsServers: TargetDnsServer[] = servers.map((s) => {
      const ipAddress = asString(s.ipAddress) ?? "";
      if (!IPV4.test(ipAddress))
        throw new ArmError(400, "BadRequest", `Target DNS server '${ipAddress}' of forwarding rule ${request.id} is not an IPv4 address.`);
      if (ipAddress === AZURE_DNS)
        throw new ArmError(
          400,
          "BadRequest",
          `Target DNS server ${AZURE_DNS} of forwarding rule ${request.id} is not allowed: Azure-provided DNS cannot be a forwarding target.`,
        );
      return { ipAddress, port: typeof s.port === "number" ? s.port : 53 };
    });
    const forwardingRuleState = requireEnum(props.forwardingRuleState ?? "Enabled", ["Enabled", "Disabled"], "forwardingRuleState", request.id);
    return {
      type: FORWARDING_RULE,
      properties: { domainName: domainName.toLowerCase(), targetDnsServers, forwardingRuleState, metadata: asObject(props.metadata) },
    };
  },
};

export const rulesetVnetLinkType: ResourceTypeSpec = {
  type: RULESET_VNET_LINK,
  lro: "network",
  placement: "child",
  write(ctx, request) {
    const props = asObject(asObject(request.body).properties);
    const vnet = requireReference(ctx, props.virtualNetwork, VNET, request.id);
    const ruleset = request.parent;
    if (!ruleset) throw new ArmError(404, "ParentResourceNotFound", "Can not perform requested operation on nested resource. Parent resource not found.");
    requireSameRegion("Virtual network", trackedLocation(ruleset), vnet.id, trackedLocation(vnet), request.id);
    const twin = ctx.store
      .childrenOf(ruleset.id, RULESET_VNET_LINK)
      .find((l) => !sameId(l.id, request.id) && sameId(refIdOf(propertiesOf(l.body).virtualNetwork), vnet.id));
    if (twin) throw new ArmError(409, "Conflict", `Virtual network ${vnet.id} is already linked to ruleset ${ruleset.name} by ${twin.id}.`);
    return { type: RULESET_VNET_LINK, properties: { virtualNetwork: { id: vnet.id }, metadata: asObject(props.metadata) } };
  },
};
