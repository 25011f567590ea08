/** The `az` command that lets a blocked flow through an Azure Firewall: a network rule to the flow's service tag, placed before what denies it. */
import type { AzureFirewall } from "@azure/arm-network";
import { idParts } from "../topology/arm-id";
import type { FlowVerdict } from "./evaluate-firewall";
import type { OrderedCollection } from "./rule-order";

function ruleArgs(verdict: FlowVerdict, sourcePrefixes: string[]): string {
  const { flow } = verdict;
  return `--rule-name ${flow.key} --source-addresses ${sourcePrefixes.join(" ")} --destination-addresses ${flow.tag} --destination-ports ${flow.port} --ip-protocols ${flow.protocol}`;
}

/** A priority in [100, below) not used by another collection of the group, or undefined. */
function freePriorityBelow(taken: number[], below: number): number | undefined {
  for (let p = below - 1; p >= 100; p--) if (!taken.includes(p)) return p;
  return undefined;
}

export function policyFix(verdict: FlowVerdict, ctx: { policyId: string; sourcePrefixes: string[]; collections: OrderedCollection[] }): string {
  const deny = verdict.decidedBy;
  const policyId = deny?.policyId ?? ctx.policyId;
  const p = idParts(policyId);
  const base = `--subscription ${p.subscriptionId} --resource-group ${p.resourceGroup} --policy-name ${p.name}`;
  const inPolicy = ctx.collections.filter((c) => c.policyId?.toLowerCase() === policyId.toLowerCase());
  const groupName = deny?.groupName ?? inPolicy.sort((a, b) => (a.groupPriority ?? 0) - (b.groupPriority ?? 0))[0]?.groupName;
  const taken = inPolicy.filter((c) => c.groupName === groupName).map((c) => c.priority);
  const priority = deny ? freePriorityBelow(taken, deny.priority) : Math.min(65000, Math.max(100, ...taken.map((t) => t + 10)));
  const add = (rcg: string, collectionPriority: number) =>
    `az network firewall policy rule-collection-group collection add-filter-collection ${base} --rcg-name ${rcg} --name Allow-AML-${verdict.flow.key} --collection-priority ${collectionPriority} --action Allow --rule-type NetworkRule ${ruleArgs(verdict, ctx.sourcePrefixes)}`;
  if (groupName && priority !== undefined) return add(groupName, priority);
  // No group yet, or no free priority before the deny in its group: a new group ahead of it.
  const groupPriority = Math.max(100, (deny?.groupPriority ?? 200) - 1);
  return `az network firewall policy rule-collection-group create ${base} --name rcg-aml-required --priority ${groupPriority} && ${add("rcg-aml-required", 100)}`;
}

export function classicFix(verdict: FlowVerdict, firewall: AzureFirewall, sourcePrefixes: string[]): string {
  const f = idParts(firewall.id as string);
  const taken = (firewall.networkRuleCollections ?? []).map((c) => c.priority ?? 0);
  const priority = verdict.decidedBy
    ? (freePriorityBelow(taken, verdict.decidedBy.priority) ?? 100)
    : Math.min(65000, Math.max(100, ...taken.map((t) => t + 10)));
  const { flow } = verdict;
  return `az network firewall network-rule create --subscription ${f.subscriptionId} --resource-group ${f.resourceGroup} --firewall-name ${f.name} --collection-name Allow-AML-${flow.key} --priority ${priority} --action Allow --name ${flow.key} --protocols ${flow.protocol} --source-addresses ${sourcePrefixes.join(" ")} --destination-addresses ${flow.tag} --destination-ports ${flow.port}`;
}
