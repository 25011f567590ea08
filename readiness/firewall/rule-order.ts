/**
 * The order Azure Firewall walks its rules (learn azure/firewall/rule-processing, policy-rule-sets): by rule type
 * (DNAT, then network, then application), within a type the parent (base) policy's rule collection groups before the
 * child's whatever their priorities, then group priority, then collection priority, lowest first. Classic firewalls
 * (no policy) keep their collections inline, ordered by priority within each type.
 */
import type {
  ApplicationRule,
  AzureFirewall,
  FirewallPolicy,
  FirewallPolicyFilterRuleCollection,
  FirewallPolicyRuleCollectionGroup,
  NetworkRule,
} from "@azure/arm-network";
import { sameId } from "../topology/arm-id";

export type RuleKind = "network" | "application";

export interface OrderedCollection {
  kind: RuleKind;
  action: "Allow" | "Deny";
  name: string;
  priority: number;
  /** Absent for classic collections. */
  policyId?: string;
  groupName?: string;
  groupPriority?: number;
  /** The policy's depth from the root base policy (0 = root). */
  depth: number;
  rules: Array<NetworkRule | ApplicationRule>;
}

export interface PolicySource {
  policy(id: string): FirewallPolicy | undefined;
  groups(policyId: string): FirewallPolicyRuleCollectionGroup[] | undefined;
}

/** The policy and its ancestors, root first; stops at a cycle or at a policy that could not be read. */
export function policyChain(policyId: string, source: PolicySource): { chain: FirewallPolicy[]; missing?: string } {
  const chain: FirewallPolicy[] = [];
  let id: string | undefined = policyId;
  while (id) {
    if (chain.some((p) => sameId(p.id, id))) break;
    const policy = source.policy(id);
    if (!policy) return { chain: chain.reverse(), missing: id };
    chain.push(policy);
    id = policy.basePolicy?.id;
  }
  return { chain: chain.reverse() };
}

function actionOf(type: string | undefined): "Allow" | "Deny" {
  return type?.toLowerCase() === "allow" ? "Allow" : "Deny";
}

/** Filter collections of the policy chain, split by rule type, in processing order. */
export function policyCollections(chain: FirewallPolicy[], source: PolicySource): Record<RuleKind, OrderedCollection[]> {
  const result: Record<RuleKind, OrderedCollection[]> = { network: [], application: [] };
  chain.forEach((policy, depth) => {
    const groups = [...(source.groups(policy.id as string) ?? [])].sort((a, b) => (a.priority ?? 65000) - (b.priority ?? 65000));
    for (const group of groups) {
      const collections = (group.ruleCollections ?? [])
        .filter((c): c is FirewallPolicyFilterRuleCollection => c.ruleCollectionType === "FirewallPolicyFilterRuleCollection")
        .sort((a, b) => (a.priority ?? 65000) - (b.priority ?? 65000));
      for (const collection of collections) {
        const rules = (collection.rules ?? []) as Array<NetworkRule | ApplicationRule>;
        for (const kind of ["network", "application"] as const) {
          const ofKind = rules.filter((r) => r.ruleType === (kind === "network" ? "NetworkRule" : "ApplicationRule"));
          if (ofKind.length === 0) continue;
          result[kind].push({
            kind,
            action: actionOf(collection.action?.type),
            name: collection.name ?? "",
            priority: collection.priority ?? 65000,
            policyId: policy.id,
            groupName: group.name,
            groupPriority: group.priority,
            depth,
            rules: ofKind,
          });
        }
      }
    }
  });
  // Stable sort: depth first (parent before child), then group and collection priority.
  for (const kind of ["network", "application"] as const) {
    result[kind].sort((a, b) => a.depth - b.depth || (a.groupPriority ?? 0) - (b.groupPriority ?? 0) || a.priority - b.priority);
  }
  return result;
}

/** A classic firewall's inline network and application collections, as policy-shaped rules. */
export function classicCollections(firewall: AzureFirewall): Record<RuleKind, OrderedCollection[]> {
  const network: OrderedCollection[] = (firewall.networkRuleCollections ?? []).map((c) => ({
    kind: "network",
    action: actionOf(c.action?.type),
    name: c.name ?? "",
    priority: c.priority ?? 65000,
    depth: 0,
    rules: (c.rules ?? []).map((r) => ({
      ruleType: "NetworkRule" as const,
      name: r.name,
      ipProtocols: r.protocols,
      sourceAddresses: r.sourceAddresses,
      destinationAddresses: r.destinationAddresses,
      destinationPorts: r.destinationPorts,
      destinationFqdns: r.destinationFqdns,
      sourceIpGroups: r.sourceIpGroups,
      destinationIpGroups: r.destinationIpGroups,
    })),
  }));
  const application: OrderedCollection[] = (firewall.applicationRuleCollections ?? []).map((c) => ({
    kind: "application",
    action: actionOf(c.action?.type),
    name: c.name ?? "",
    priority: c.priority ?? 65000,
    depth: 0,
    rules: (c.rules ?? []).map((r) => ({
      ruleType: "ApplicationRule" as const,
      name: r.name,
      sourceAddresses: r.sourceAddresses,
      sourceIpGroups: r.sourceIpGroups,
      protocols: r.protocols,
      targetFqdns: r.targetFqdns,
      fqdnTags: r.fqdnTags,
    })),
  }));
  return { network: network.sort((a, b) => a.priority - b.priority), application: application.sort((a, b) => a.priority - b.priority) };
}
