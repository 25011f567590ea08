/**
 * Microsoft.Network/firewallPolicies and .../ruleCollectionGroups. Shapes from azure-rest-api-specs network
 * 2024-05-01 `firewallPolicy.json` and examples FirewallPolicyPut.json (sku, dnsSettings, basePolicy, read-only
 * ruleCollectionGroups/firewalls/childPolicies), FirewallPolicyRuleCollectionGroupPut.json,
 * FirewallPolicyNatRuleCollectionGroupPut.json, FirewallPolicyRuleCollectionGroupWithWebCategoriesPut.json; SDK types
 * FirewallPolicy*, NetworkRule, ApplicationRule, NatRule, DnsSettings in @azure/arm-network. Priorities 100–65000 as
 * the spec's `minimum`/`maximum` on FirewallPolicyRuleCollectionGroupProperties.priority and rule collections.
 */
import type { ApplicationRule, DnsSettings, FirewallPolicyRuleUnion, FirewallPolicySku, NatRule, NetworkRule } from "@azure/arm-network";
import { isCidr } from "../../../network/cidr";
import { ArmError } from "../arm-error";
import { ResourceTypeSpec, requireReference } from "../resource-type";
import type { StoredResource } from "../store";
import { idRefs, requireEnum, sameId } from "./common";
import { AZURE_FIREWALL, FIREWALL_POLICY } from "./azure-firewall";
import { asObject, asObjects, asString, asStrings, JsonObject, refIdOf, requirePriority } from "./wire";

export const RULE_COLLECTION_GROUP = "Microsoft.Network/firewallPolicies/ruleCollectionGroups";
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function dnsSettings(value: unknown, where: string): DnsSettings | undefined {
  if (value === undefined) return undefined;
  const given = asObject(value);
  const servers = asStrings(given.servers);
  const bad = servers.find((s) => !IPV4.test(s));
  if (bad)
    throw new ArmError(400, "InvalidRequestFormat", `Cannot parse the request. DNS server '${bad}' in dnsSettings.servers of ${where} is not an IPv4 address.`);
  return {
    servers,
    enableProxy: given.enableProxy === true,
    ...(given.requireProxyForNetworkRules !== undefined ? { requireProxyForNetworkRules: given.requireProxyForNetworkRules === true } : {}),
  };
}

export const firewallPolicyType: ResourceTypeSpec = {
  type: FIREWALL_POLICY,
  lro: "network",
  placement: "tracked",
  etag: true,
  write(ctx, request) {
    const props = asObject(asObject(request.body).properties);
    const sku: FirewallPolicySku = { tier: requireEnum(asObject(props.sku).tier ?? "Standard", ["Basic", "Standard", "Premium"], "sku.tier", request.id) };
    let basePolicy: { id: string } | undefined;
    if (refIdOf(props.basePolicy)) {
      const base = requireReference(ctx, props.basePolicy, FIREWALL_POLICY, request.id);
      if (sameId(base.id, request.id)) throw new ArmError(400, "InvalidRequestFormat", `Firewall policy ${request.id} cannot be its own base policy.`);
      basePolicy = { id: base.id };
    }
    const dns = dnsSettings(props.dnsSettings, request.id);
    return {
      properties: {
        sku,
        threatIntelMode: requireEnum(props.threatIntelMode ?? "Alert", ["Alert", "Deny", "Off"], "threatIntelMode", request.id),
        ...(basePolicy ? { basePolicy } : {}),
        ...(dns ? { dnsSettings: dns } : {}),
        ...(props.threatIntelWhitelist ? { threatIntelWhitelist: props.threatIntelWhitelist } : {}),
      },
    };
  },
  view(ctx, policy, body) {
    // Read-only back references, as FirewallPolicyGet.json lists them.
    const properties = (body as { properties: JsonObject }).properties;
    properties.ruleCollectionGroups = idRefs(ctx.store.childrenOf(policy.id, RULE_COLLECTION_GROUP));
    const referencing = ctx.store.referencing(policy.id);
    properties.firewalls = idRefs(referencing.filter((r) => r.type === AZURE_FIREWALL && sameId(referenceIn(r, "firewallPolicy"), policy.id)));
    properties.childPolicies = idRefs(referencing.filter((r) => r.type === FIREWALL_POLICY && sameId(referenceIn(r, "basePolicy"), policy.id)));
  },
  checkDelete(ctx, policy) {
    const user = ctx.store
      .referencing(policy.id)
      .find(
        (r) =>
          (r.type === AZURE_FIREWALL && sameId(referenceIn(r, "firewallPolicy"), policy.id)) ||
          (r.type === FIREWALL_POLICY && sameId(referenceIn(r, "basePolicy"), policy.id)),
      );
    // Code name unverified; that a policy in use cannot be deleted is documented (azure/firewall-manager/policy-overview).
    if (user) throw new ArmError(400, "FirewallPolicyInUse", `Firewall policy ${policy.name} is in use by ${user.id} and cannot be deleted.`);
  },
};

function checkAddresses(values: string[], property: string, where: string): string[] {
  const bad = values.find((v) => v !== "*" && !isCidr(v) && !IPV4.test(v) && !/^[\d.]+-[\d.]+$/.test(v) && !/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)?$/.test(v));
  if (bad)
    throw new ArmError(
      400,
      "InvalidRequestFormat",
      `Cannot parse the request. '${bad}' in ${property} of ${where} is neither an address, a range, a CIDR, '*' nor a service tag.`,
    );
  return values;
}

function networkRule(rule: JsonObject, where: string): NetworkRule {
  const ipProtocols = asStrings(rule.ipProtocols).map((p) => requireEnum(p, ["TCP", "UDP", "ICMP", "Any"], "ipProtocols", where)) as NetworkRule["ipProtocols"];
  const destinationFqdns = asStrings(rule.destinationFqdns);
  // fqdn-filtering-network-rules: network rules take no wildcard FQDNs.
  const wildcard = destinationFqdns.find((f) => f.includes("*"));
  if (wildcard)
    throw new ArmError(
      400,
      "InvalidRequestFormat",
      `Cannot parse the request. Network rule ${where} has the wildcard FQDN '${wildcard}'; network rules take exact FQDNs only (use an application rule).`,
    );
  return {
    ruleType: "NetworkRule",
    name: asString(rule.name),
    ...(rule.description !== undefined ? { description: asString(rule.description) } : {}),
    ipProtocols,
    sourceAddresses: checkAddresses(asStrings(rule.sourceAddresses), "sourceAddresses", where),
    destinationAddresses: checkAddresses(asStrings(rule.destinationAddresses), "destinationAddresses", where),
    destinationPorts: asStrings(rule.destinationPorts),
    sourceIpGroups: asStrings(rule.sourceIpGroups),
    destinationIpGroups: asStrings(rule.destinationIpGroups),
    destinationFqdns,
  };
}

function applicationRule(rule: JsonObject, where: string): ApplicationRule {
  const protocols = asObjects(rule.protocols).map((p) => ({
    protocolType: requireEnum(p.protocolType, ["Http", "Https", "Mssql"], "protocols.protocolType", where) as "Http",
    port: typeof p.port === "number" ? p.port : undefined,
  }));
  const targets = ["targetFqdns", "fqdnTags", "webCategories", "targetUrls"].some((k) => asStrings(rule[k]).length > 0);
  if (!targets)
    throw new ArmError(
      400,
      "InvalidRequestFormat",
      `Cannot parse the request. Application rule ${where} needs targetFqdns, fqdnTags, webCategories or targetUrls.`,
    );
  return {
    ruleType: "ApplicationRule",
    name: asString(rule.name),
    ...(rule.description !== undefined ? { description: asString(rule.description) } : {}),
    sourceAddresses: checkAddresses(asStrings(rule.sourceAddresses), "sourceAddresses", where),
    sourceIpGroups: asStrings(rule.sourceIpGroups),
    destinationAddresses: asStrings(rule.destinationAddresses),
    protocols,
    targetFqdns: asStrings(rule.targetFqdns),
    targetUrls: asStrings(rule.targetUrls),
    fqdnTags: asStrings(rule.fqdnTags),
    webCategories: asStrings(rule.webCategories),
    terminateTLS: rule.terminateTLS === true,
  };
}

/** A DNAT rule as given (FirewallPolicyNatRuleCollectionGroupPut.json), each field narrowed to its NatRule type. */
function natRule(rule: JsonObject): NatRule {
  const lists = ["ipProtocols", "sourceAddresses", "destinationAddresses", "destinationPorts", "sourceIpGroups"] as const;
  const texts = ["name", "description", "translatedAddress", "translatedPort", "translatedFqdn"] as const;
  const given: NatRule = { ruleType: "NatRule" };
  for (const key of texts) if (rule[key] !== undefined) given[key] = asString(rule[key]);
  for (const key of lists) if (rule[key] !== undefined) given[key] = asStrings(rule[key]);
  return given;
}

function ruleCollection(collection: JsonObject, index: number, where: string): JsonObject {
  const name = asString(collection.name) ?? `collection${index}`;
  const at = `${where}/ruleCollections/${name}`;
  const kind = requireEnum(collection.ruleCollectionType, ["FirewallPolicyFilterRuleCollection", "FirewallPolicyNatRuleCollection"], "ruleCollectionType", at);
  const priority = requirePriority(collection.priority, "priority", at);
  const rules: FirewallPolicyRuleUnion[] = asObjects(collection.rules).map((rule, i) => {
    const ruleAt = `${at}/rules/${asString(rule.name) ?? i}`;
    const type = requireEnum(rule.ruleType, kind === "FirewallPolicyNatRuleCollection" ? ["NatRule"] : ["NetworkRule", "ApplicationRule"], "ruleType", ruleAt);
    return type === "NetworkRule" ? networkRule(rule, ruleAt) : type === "ApplicationRule" ? applicationRule(rule, ruleAt) : natRule(rule);
  });
  // A filter collection holds rules of one type (azure/firewall/policy-rule-sets).
  if (new Set(rules.map((r) => r.ruleType)).size > 1) {
    throw new ArmError(
      400,
      "FirewallPolicyRuleCollectionHasMixedRuleTypes",
      `Rule collection ${at} mixes network and application rules; a rule collection holds rules of one type.`,
    );
  }
  const action = requireEnum(asObject(collection.action).type, kind === "FirewallPolicyNatRuleCollection" ? ["DNAT"] : ["Allow", "Deny"], "action.type", at);
  return { ruleCollectionType: kind, name, priority, action: { type: action }, rules };
}

export const ruleCollectionGroupType: ResourceTypeSpec = {
  type: RULE_COLLECTION_GROUP,
  lro: "network",
  placement: "child",
  etag: true,
  write(_ctx, request) {
    const props = asObject(asObject(request.body).properties);
    const priority = requirePriority(props.priority, "priority", request.id);
    const collections = asObjects(props.ruleCollections).map((c, i) => ruleCollection(c, i, request.id));
    const names = collections.map((c) => String(c.name).toLowerCase());
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate)
      throw new ArmError(400, "InvalidRequestFormat", `Cannot parse the request. Rule collection name '${duplicate}' appears twice in ${request.id}.`);
    return {
      type: RULE_COLLECTION_GROUP,
      properties: { priority, ruleCollections: collections, size: `${(JSON.stringify(collections).length / 1024).toFixed(2)} KB` },
    };
  },
};

/** The id in the `{id}` reference `properties[name]` of a stored resource (a firewall's policy, a policy's base). */
function referenceIn(resource: StoredResource, name: string): string | undefined {
  return refIdOf(asObject(asObject(resource.body).properties)[name]);
}
