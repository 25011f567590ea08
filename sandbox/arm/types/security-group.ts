/**
 * Microsoft.Network/networkSecurityGroups and .../securityRules. Shapes from azure-rest-api-specs network 2024-07-01
 * `networkSecurityGroup.json` and example NetworkSecurityGroupCreateWithRule.json (test/fixtures/arm/, which also
 * lists the six defaultSecurityRules with these names, descriptions and priorities); SDK types NetworkSecurityGroup,
 * SecurityRule in @azure/arm-network.
 */
import { ArmError } from "../arm-error";
import type { ResourceTypeSpec } from "../resource-type";
import { parentIdOf } from "../resource-id";
import type { StoredResource } from "../store";
import { idRefs, listProperty, requireEnum, resourceGuid, sameId } from "./common";
import { checkOutboundDestinations } from "./service-tag-direction";
import { asObject, asObjects, asString, asStrings, JsonObject, propertiesOf, refIdOf } from "./wire";

export const NSG = "Microsoft.Network/networkSecurityGroups";
export const SECURITY_RULE = "Microsoft.Network/networkSecurityGroups/securityRules";

const DEFAULT_RULES: Array<[string, string, number, string, string, string, string]> = [
  ["AllowVnetInBound", "Allow inbound traffic from all VMs in VNET", 65000, "Allow", "Inbound", "VirtualNetwork", "VirtualNetwork"],
  ["AllowAzureLoadBalancerInBound", "Allow inbound traffic from azure load balancer", 65001, "Allow", "Inbound", "AzureLoadBalancer", "*"],
  ["DenyAllInBound", "Deny all inbound traffic", 65500, "Deny", "Inbound", "*", "*"],
  ["AllowVnetOutBound", "Allow outbound traffic from all VMs to all VMs in VNET", 65000, "Allow", "Outbound", "VirtualNetwork", "VirtualNetwork"],
  ["AllowInternetOutBound", "Allow outbound traffic from all VMs to Internet", 65001, "Allow", "Outbound", "*", "Internet"],
  ["DenyAllOutBound", "Deny all outbound traffic", 65500, "Deny", "Outbound", "*", "*"],
];

function defaultSecurityRules(nsgId: string): JsonObject[] {
  return DEFAULT_RULES.map(([name, description, priority, access, direction, source, destination]) => ({
    name,
    id: `${nsgId}/defaultSecurityRules/${name}`,
    type: "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
    properties: {
      provisioningState: "Succeeded",
      description,
      protocol: "*",
      sourcePortRange: "*",
      destinationPortRange: "*",
      sourceAddressPrefix: source,
      destinationAddressPrefix: destination,
      access,
      priority,
      direction,
      sourcePortRanges: [],
      destinationPortRanges: [],
      sourceAddressPrefixes: [],
      destinationAddressPrefixes: [],
    },
  }));
}

export const networkSecurityGroupType: ResourceTypeSpec = {
  type: NSG,
  lro: "network",
  placement: "tracked",
  etag: true,
  inlineChildren: [{ property: "securityRules", type: SECURITY_RULE, keepWhenOmitted: false }],
  write(_ctx, request) {
    // Inline rules are checked before the NSG is stored, so a refused rule leaves the NSG as it was.
    const nsgProps = propertiesOf(request.body);
    for (const rule of asObjects(nsgProps.securityRules)) {
      const props = propertiesOf(rule);
      const destinations = [asString(props.destinationAddressPrefix), ...asStrings(props.destinationAddressPrefixes)].filter(
        (p): p is string => p !== undefined,
      );
      checkOutboundDestinations(String(props.direction ?? ""), destinations, `${request.id}/securityRules/${String(rule.name)}`);
    }
    return { properties: { resourceGuid: resourceGuid(request), flushConnection: nsgProps.flushConnection ?? false } };
  },
  view(ctx, nsg, body) {
    const props = propertiesOf(body);
    props.defaultSecurityRules = defaultSecurityRules(nsg.id);
    const holders = ctx.store.referencing(nsg.id);
    const subnets = holders.filter((r) => r.type === "Microsoft.Network/virtualNetworks/subnets" && usesNsg(r, nsg.id));
    const nics = holders.filter((r) => r.type === "Microsoft.Network/networkInterfaces" && usesNsg(r, nsg.id));
    if (subnets.length) props.subnets = idRefs(subnets);
    if (nics.length) props.networkInterfaces = idRefs(nics);
  },
  checkDelete(ctx, nsg) {
    const users = ctx.store.referencing(nsg.id).filter((r) => usesNsg(r, nsg.id));
    if (users.length) {
      throw new ArmError(
        400,
        "InUseNetworkSecurityGroupCannotBeDeleted",
        `Network security group ${nsg.id} cannot be deleted because it is in use by the following resources: ${users.map((u) => u.id).join(", ")}. In order to delete the Network security group, remove the association with the resource(s). To learn how to do this, see aka.ms/deletensg.`,
      );
    }
  },
};

function usesNsg(holder: StoredResource, nsgId: string): boolean {
  return sameId(refIdOf(propertiesOf(holder.body).networkSecurityGroup), nsgId);
}

const PORT_SPEC = /^(\*|\d{1,5}(-\d{1,5})?)$/;

function checkPorts(values: string[], property: string, where: string): void {
  for (const value of values) {
    const ok = PORT_SPEC.test(value) && value.split("-").every((p) => p === "*" || (Number(p) >= 0 && Number(p) <= 65535));
    if (!ok)
      throw new ArmError(
        400,
        "SecurityRuleInvalidPortRange",
        `Security rule ${where} has invalid Port range. Value provided: ${value} (${property}). Value should be an integer OR integer range with '-' delimiter. Valid range 0-65535.`,
      );
  }
}

/** Exactly one of the single and list forms (`sourcePortRange` / `sourcePortRanges`, …) may be given. */
function singleOrList(props: JsonObject, single: string, list: string, where: string): string[] {
  const one = props[single];
  const many = listProperty(props, list, where).map(String);
  if (one !== undefined && one !== null && one !== "" && many.length > 0) {
    throw new ArmError(400, "SecurityRuleParameterContainsUnsupportedValue", `Security rule ${where} cannot specify both ${single} and ${list}.`);
  }
  return one !== undefined && one !== null && one !== "" ? [String(one)] : many.map(String);
}

export const securityRuleType: ResourceTypeSpec = {
  type: SECURITY_RULE,
  lro: "network",
  placement: "child",
  etag: true,
  write(ctx, request) {
    const props = propertiesOf(request.body);
    const where = request.id;
    const protocol = requireEnum(props.protocol, ["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"], "protocol", where);
    const access = requireEnum(props.access, ["Allow", "Deny"], "access", where);
    const direction = requireEnum(props.direction, ["Inbound", "Outbound"], "direction", where);
    const priority = Number(props.priority);
    if (!Number.isInteger(priority) || priority < 100 || priority > 4096) {
      throw new ArmError(
        400,
        "SecurityRuleInvalidPriority",
        `Security rule ${where} has invalid priority ${String(props.priority)}. Value provided: ${String(props.priority)} Allowed range 100-4096.`,
      );
    }
    const nsgId = parentIdOf(request.id) as string;
    const clash = ctx.store
      .childrenOf(nsgId, SECURITY_RULE)
      .find((r) => !sameId(r.id, request.id) && propertiesOf(r.body).priority === priority && propertiesOf(r.body).direction === direction);
    if (clash) {
      throw new ArmError(
        400,
        "SecurityRuleConflict",
        `Security rule ${clash.name} conflicts with rule ${request.address.names[1]}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.`,
      );
    }
    const sourcePorts = singleOrList(props, "sourcePortRange", "sourcePortRanges", where);
    const destinationPorts = singleOrList(props, "destinationPortRange", "destinationPortRanges", where);
    checkPorts(sourcePorts, "sourcePortRange", where);
    checkPorts(destinationPorts, "destinationPortRange", where);
    const sources = singleOrList(props, "sourceAddressPrefix", "sourceAddressPrefixes", where);
    const destinations = singleOrList(props, "destinationAddressPrefix", "destinationAddressPrefixes", where);
    checkOutboundDestinations(direction, destinations, where);
    const sourceAsgs = listProperty(props, "sourceApplicationSecurityGroups", where);
    const destinationAsgs = listProperty(props, "destinationApplicationSecurityGroups", where);
    if (sources.length === 0 && sourceAsgs.length === 0)
      throw new ArmError(400, "SecurityRuleInvalidAddressPrefix", `Security rule ${where} has no source address prefix or application security group.`);
    if (destinations.length === 0 && destinationAsgs.length === 0)
      throw new ArmError(400, "SecurityRuleInvalidAddressPrefix", `Security rule ${where} has no destination address prefix or application security group.`);
    const single = (values: string[], given: unknown) => (given !== undefined && given !== null && given !== "" ? values[0] : undefined);
    return {
      type: SECURITY_RULE,
      properties: {
        description: props.description,
        protocol,
        sourcePortRange: single(sourcePorts, props.sourcePortRange),
        destinationPortRange: single(destinationPorts, props.destinationPortRange),
        sourceAddressPrefix: single(sources, props.sourceAddressPrefix),
        destinationAddressPrefix: single(destinations, props.destinationAddressPrefix),
        sourcePortRanges: props.sourcePortRange ? [] : sourcePorts,
        destinationPortRanges: props.destinationPortRange ? [] : destinationPorts,
        sourceAddressPrefixes: props.sourceAddressPrefix ? [] : sources,
        destinationAddressPrefixes: props.destinationAddressPrefix ? [] : destinations,
        ...(sourceAsgs.length ? { sourceApplicationSecurityGroups: sourceAsgs.map((a) => ({ id: asObject(a).id })) } : {}),
        ...(destinationAsgs.length ? { destinationApplicationSecurityGroups: destinationAsgs.map((a) => ({ id: asObject(a).id })) } : {}),
        access,
        priority,
        direction,
      },
    };
  },
};
