/**
 * Judges required flows against an Azure Firewall the way it processes them (learn azure/firewall/rule-processing):
 * network rules first, then application rules, so a matching network Allow wins over an application Deny; within a
 * type, the order of rule-order.ts; the first matching collection decides; nothing matching is denied. Threat
 * intelligence and the built-in infrastructure collection are not modelled. Pure: no I/O.
 */
import type { ApplicationRule, AzureFirewall, FirewallPolicy, NetworkRule } from "@azure/arm-network";
import type { FirewallFlow } from "./firewall-flows";
import { applicationRuleMatch, MatchInput, networkRuleMatch, subnetRanges } from "./rule-match";
import { classicCollections, OrderedCollection, policyChain, policyCollections, PolicySource } from "./rule-order";

export interface FlowVerdict {
  flow: FirewallFlow;
  allowed: boolean;
  /** The collection whose rule decided; absent when no rule matched (default deny). */
  decidedBy?: OrderedCollection & { ruleName?: string };
}

export interface FirewallJudgement {
  verdicts: FlowVerdict[];
  /** The policy the firewall uses (the child), when it has one. */
  policy?: FirewallPolicy;
  /** Things the judgement could not see: web categories, FQDN tags, a base policy that could not be read. */
  notes: string[];
  /** Ordered collections, for the fix (free priorities) and the messages. */
  collections: Record<"network" | "application", OrderedCollection[]>;
}

function firstMatch(collections: OrderedCollection[], input: MatchInput): (OrderedCollection & { ruleName?: string }) | undefined {
  for (const collection of collections) {
    for (const rule of collection.rules) {
      const match = rule.ruleType === "NetworkRule" ? networkRuleMatch(rule as NetworkRule, input) : applicationRuleMatch(rule as ApplicationRule, input);
      // An Allow that covers only part of the traffic leaves the rest to later rules; a Deny on any part blocks.
      if (match === "full" || (match === "some" && collection.action === "Deny")) return { ...collection, ruleName: rule.name };
    }
  }
  return undefined;
}

export function judgeFirewall(firewall: AzureFirewall, input: { flows: FirewallFlow[]; sourcePrefixes: string[]; region: string; policies: PolicySource }): FirewallJudgement {
  const notes: string[] = [];
  let collections: FirewallJudgement["collections"];
  let policy: FirewallPolicy | undefined;
  let dnsProxy = false;
  if (firewall.firewallPolicy?.id) {
    const { chain, missing } = policyChain(firewall.firewallPolicy.id, input.policies);
    if (missing) notes.push(`firewall policy ${missing} could not be read, so its rules (and those of its base policies) are not judged`);
    policy = chain[chain.length - 1];
    dnsProxy = chain.length > 0 && chain[chain.length - 1].dnsSettings?.enableProxy === true;
    collections = policyCollections(chain, input.policies);
  } else {
    collections = classicCollections(firewall);
  }
  const app = collections.application;
  if (app.some((c) => c.rules.some((r) => ((r as ApplicationRule).webCategories ?? []).length > 0))) notes.push("application rules with web categories are not judged (the category of each host is not known offline)");
  if (app.some((c) => c.rules.some((r) => ((r as ApplicationRule).fqdnTags ?? []).length > 0))) notes.push("application rules with FQDN tags are not judged (no FQDN tag covers the Azure Machine Learning hosts)");
  const sources = subnetRanges(input.sourcePrefixes);
  const verdicts = input.flows.map((flow): FlowVerdict => {
    const matchInput: MatchInput = { flow, sources, region: input.region, dnsProxy };
    const decidedBy = firstMatch(collections.network, matchInput) ?? firstMatch(collections.application, matchInput);
    return { flow, allowed: decidedBy?.action === "Allow", decidedBy };
  });
  return { verdicts, policy, notes, collections };
}
