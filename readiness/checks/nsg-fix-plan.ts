import type { NetworkSecurityGroup } from "@azure/arm-network";
import type { FixRule } from "../nsg/aml-flows";
import { idParts } from "../topology/arm-id";

/**
 * The `az network nsg rule` commands every NSG fix is written as, read back to plan a report's fixes together:
 * subscription, resource group, NSG, rule, priority (and direction for create).
 */
export const NSG_RULE_CREATE =
  /^az network nsg rule create --subscription (\S+) --resource-group (\S+) --nsg-name (\S+) --name (\S+) --priority (\d+) --direction (\S+) /;
export const NSG_RULE_UPDATE = /^az network nsg rule update --subscription (\S+) --resource-group (\S+) --nsg-name (\S+) --name (\S+) --priority (\d+)$/;

/** One Allow rule a report asks for, and the priority of the rule in the same NSG that blocks it (if any). */
export interface RuleRequest {
  rule: FixRule;
  /** The blocking rule when it sits in this NSG: the new rule must come before it. */
  blocker?: { ruleName: string; priority: number };
}

/**
 * Plans the `az network nsg rule create` commands of one report together, so they apply as printed: Azure takes
 * each priority once per NSG and direction (SecurityRuleConflict otherwise), so rules asked for in the same NSG and
 * direction get distinct free priorities, all before the blocking rule; a rule asked for twice (one rule covers
 * several flows) gets one command. When fewer priorities are free before the blocking rule than rules are needed,
 * the blocking rule moves back just far enough and every command that takes a freed priority starts by moving it
 * (the move is idempotent, so the commands apply in any order).
 */
export class NsgFixPlanner {
  private readonly requests = new Map<string, { nsg: NetworkSecurityGroup; direction: string; byRule: Map<string, RuleRequest> }>();
  private planned?: Map<string, string>;

  request(nsg: NetworkSecurityGroup & { id: string }, request: RuleRequest): void {
    const key = `${nsg.id.toLowerCase()}|${request.rule.direction}`;
    const entry = this.requests.get(key) ?? { nsg, direction: request.rule.direction, byRule: new Map<string, RuleRequest>() };
    this.requests.set(key, entry);
    const known = entry.byRule.get(request.rule.name);
    if (!known || (request.blocker && (!known.blocker || request.blocker.priority < known.blocker.priority))) entry.byRule.set(request.rule.name, request);
  }

  /** The command for one requested rule; call after every request was made. */
  commandFor(nsg: NetworkSecurityGroup & { id: string }, rule: FixRule): string {
    this.planned ??= this.plan();
    return this.planned.get(`${nsg.id.toLowerCase()}|${rule.direction}|${rule.name}`) as string;
  }

  private plan(): Map<string, string> {
    const commands = new Map<string, string>();
    for (const [key, { nsg, direction, byRule }] of this.requests) {
      const requests = [...byRule.values()];
      const used = new Set((nsg.securityRules ?? []).filter((r) => r.direction === direction).map((r) => r.priority));
      // The lowest-numbered blocking rule bounds them all; a request without one only needs a free priority.
      const blockers = requests.flatMap((r) => (r.blocker ? [r.blocker] : []));
      const blocker = blockers.sort((a, b) => a.priority - b.priority)[0];
      const { priorities: free, move: moved } = allocatePriorities(used, blocker?.priority, requests.length);
      const move = moved && blocker ? moved : undefined;
      const { subscriptionId, resourceGroup, name } = idParts(nsg.id as string);
      requests.forEach((request, index) => {
        const priority = free[index] ?? 100;
        const prefix =
          move && blocker && move.freed.has(priority)
            ? `az network nsg rule update --subscription ${subscriptionId} --resource-group ${resourceGroup} --nsg-name ${name} --name ${blocker.ruleName} --priority ${move.priority} && `
            : "";
        commands.set(`${key}|${request.rule.name}`, prefix + createCommand(nsg.id as string, request.rule, priority));
      });
    }
    return commands;
  }
}

function createCommand(nsgId: string, rule: FixRule, priority: number): string {
  const { subscriptionId, resourceGroup, name } = idParts(nsgId);
  const remote =
    rule.direction === "Outbound"
      ? `--source-address-prefixes VirtualNetwork --destination-address-prefixes ${rule.tag}`
      : `--source-address-prefixes ${rule.tag} --destination-address-prefixes VirtualNetwork`;
  return `az network nsg rule create --subscription ${subscriptionId} --resource-group ${resourceGroup} --nsg-name ${name} --name ${rule.name} --priority ${priority} --direction ${rule.direction} --access Allow --protocol ${rule.protocol === "*" ? "'*'" : rule.protocol} ${remote} --source-port-ranges '*' --destination-port-ranges ${rule.ports.join(" ")}`;
}

/**
 * `count` distinct free priorities (Azure takes each once per NSG and direction) before the blocking rule, highest
 * first taken last; when too few are free, the blocking rule moves back just far enough (`move.priority`), and the
 * priorities its move frees (`move.freed`, its old one among them) are used after the free ones.
 */
export function allocatePriorities(
  used: Set<number | undefined>,
  blocker: number | undefined,
  count: number,
): { priorities: number[]; move?: { priority: number; freed: Set<number> } } {
  const limit = blocker ?? 4097;
  const free: number[] = [];
  for (let p = limit - 1; p >= 100 && free.length < count; p--) if (!used.has(p)) free.unshift(p);
  if (free.length >= count || blocker === undefined) return { priorities: free };
  const freed = new Set<number>([blocker]);
  let p = blocker + 1;
  for (; p <= 4096 && free.length + freed.size < count; p++) if (!used.has(p)) freed.add(p);
  while (p <= 4096 && used.has(p)) p++;
  return { priorities: [...free, ...[...freed].sort((a, b) => a - b)], move: { priority: Math.min(p, 4096), freed } };
}
