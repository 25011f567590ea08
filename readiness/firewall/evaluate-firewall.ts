/**
 * Judges required flows against an Azure Firewall the way it processes them (learn azure/firewall/rule-processing):
 * network rules first, then application rules, so a matching network Allow wins over an application Deny; within a
 * type, the order of rule-order.ts; the first matching collection decides; nothing matching is denied. Threat
 * intelligence and the built-in infrastructure collection are not modelled. Pure: no I/O.
 *
 * A firewall is compiled once (each flow's candidate rules: those whose protocol, port and destination match), then
 * judged per source subnet by walking only the candidates: a large policy in front of many spokes stays cheap.
 */
import type { ApplicationRule, AzureFirewall, FirewallPolicy, NetworkRule } from "@azure/arm-network";
import type { FirewallFlow } from "./firewall-flows";
import { applicationTargetMatch, combine, Match, MatchInput, networkTargetMatch, parseRuleSources, RuleSources, sourceMatch, subnetRanges } from "./rule-match";
import { classicCollections, OrderedCollection, policyChain, policyCollections, PolicySource } from "./rule-order";

export interface FlowVerdict {
  flow: FirewallFlow;
  allowed: boolean;
  /** The collection whose rule decided; absent when no rule matched (default deny). */
  decidedBy?: OrderedCollection & { ruleName?: string };
}

interface Candidate {
  collection: OrderedCollection;
  ruleName?: string;
  target: Match;
  sources: RuleSources;
}

export interface CompiledFirewall {
  firewall: AzureFirewall;
  /** The policy the firewall uses (the child), when it has one and it could be read. */
  policy?: FirewallPolicy;
  /** Things the judgement could not see: web categories, FQDN tags, a base policy that could not be read. */
  notes: string[];
  /** Ordered collections, for the fix (free priorities) and the messages. */
  collections: Record<"network" | "application", OrderedCollection[]>;
  flows: FirewallFlow[];
  /** Per flow key: the rules that match its protocol, port and destination, in processing order. */
  candidates: Map<string, Candidate[]>;
}

export function compileFirewall(firewall: AzureFirewall, input: { flows: FirewallFlow[]; region: string; policies: PolicySource }): CompiledFirewall {
  const notes: string[] = [];
  let collections: CompiledFirewall["collections"];
  let policy: FirewallPolicy | undefined;
  let dnsProxy = false;
  if (firewall.firewallPolicy?.id) {
    const { chain, missing } = policyChain(firewall.firewallPolicy.id, input.policies);
    if (missing) notes.push(`firewall policy ${missing} could not be read, so its rules (and those of its base policies) are not judged`);
    policy = chain.length > 0 && !missing ? chain[chain.length - 1] : chain.find((p) => p.id?.toLowerCase() === firewall.firewallPolicy?.id?.toLowerCase());
    dnsProxy = policy?.dnsSettings?.enableProxy === true;
    collections = policyCollections(chain, input.policies);
  } else {
    collections = classicCollections(firewall);
  }
  const app = collections.application;
  if (app.some((c) => c.rules.some((r) => ((r as ApplicationRule).webCategories ?? []).length > 0)))
    notes.push("application rules with web categories are not judged (the category of each host is not known offline)");
  if (app.some((c) => c.rules.some((r) => ((r as ApplicationRule).fqdnTags ?? []).length > 0)))
    notes.push("application rules with FQDN tags are not judged (no FQDN tag covers the Azure Machine Learning hosts)");
  const sourcesOf = new Map<NetworkRule | ApplicationRule, RuleSources>();
  const parsed = (rule: NetworkRule | ApplicationRule): RuleSources => {
    let s = sourcesOf.get(rule);
    if (!s) sourcesOf.set(rule, (s = parseRuleSources(rule.sourceAddresses, rule.sourceIpGroups)));
    return s;
  };
  const candidates = new Map<string, Candidate[]>();
  for (const flow of input.flows) {
    const matchInput: MatchInput = { flow, region: input.region, dnsProxy };
    const list: Candidate[] = [];
    for (const collection of [...collections.network, ...collections.application]) {
      for (const rule of collection.rules) {
        const target = rule.ruleType === "NetworkRule" ? networkTargetMatch(rule, matchInput) : applicationTargetMatch(rule, matchInput);
        if (target !== "none") list.push({ collection, ruleName: rule.name, target, sources: parsed(rule) });
      }
    }
    candidates.set(flow.key, list);
  }
  return { firewall, policy, notes, collections, flows: input.flows, candidates };
}

/** Verdicts for traffic from `sourcePrefixes`, for the compiled flows (or those whose key is in `only`). */
export function judgeSources(compiled: CompiledFirewall, sourcePrefixes: string[], only?: Set<string>): FlowVerdict[] {
  const sources = subnetRanges(sourcePrefixes);
  return compiled.flows
    .filter((f) => !only || only.has(f.key))
    .map((flow): FlowVerdict => {
      for (const candidate of compiled.candidates.get(flow.key) ?? []) {
        const match = combine(candidate.target, sourceMatch(candidate.sources, sources));
        // An Allow that covers only part of the traffic leaves the rest to later rules; a Deny on any part blocks.
        if (match === "full" || (match === "some" && candidate.collection.action === "Deny")) {
          return { flow, allowed: candidate.collection.action === "Allow", decidedBy: { ...candidate.collection, ruleName: candidate.ruleName } };
        }
      }
      return { flow, allowed: false };
    });
}

export function judgeFirewall(
  firewall: AzureFirewall,
  input: { flows: FirewallFlow[]; sourcePrefixes: string[]; region: string; policies: PolicySource },
): CompiledFirewall & { verdicts: FlowVerdict[] } {
  const compiled = compileFirewall(firewall, input);
  return { ...compiled, verdicts: judgeSources(compiled, input.sourcePrefixes) };
}
