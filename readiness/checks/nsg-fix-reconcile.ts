import type { Finding } from "../finding";
import type { Topology } from "../topology/topology";
import { allocatePriorities, NSG_RULE_CREATE, NSG_RULE_UPDATE } from "./nsg-fix-plan";

/** The NSG an `az network nsg rule` command (a match of NSG_RULE_CREATE or NSG_RULE_UPDATE) acts on. */
function nsgIdOf(command: RegExpExecArray): string {
  return `/subscriptions/${command[1]}/resourceGroups/${command[2]}/providers/Microsoft.Network/networkSecurityGroups/${command[3]}`;
}

interface Group {
  nsgId: string;
  direction: string;
  scope: string;
  /** Rule names in report order, each with the priority its check chose. */
  rules: Map<string, number>;
}

/**
 * The last word on NSG fixes across one report: several checks (compute flows, the path model's endpoint flows, SSH
 * to attached VMs) each ask for Allow rules, and Azure takes each priority once per NSG and direction
 * (SecurityRuleConflict). Where two rules of one NSG and direction ended up on one priority, that NSG's rules are
 * planned again together (allocatePriorities: distinct free priorities before the lowest Deny any of them must
 * precede, moving it back when too few are free, each command using a freed priority starting with that move).
 */
export function reconcileNsgFixes(findings: Finding[], topology: Topology): Finding[] {
  const groups = new Map<string, Group>();
  // The rules the checks' own fixes move back, per NSG: the blocking rules their new rules must precede.
  const moved = new Map<string, Set<string>>();
  for (const finding of findings) {
    for (const command of finding.fix.split(" && ")) {
      const update = NSG_RULE_UPDATE.exec(command);
      if (update) {
        const nsgId = nsgIdOf(update).toLowerCase();
        moved.set(nsgId, (moved.get(nsgId) ?? new Set()).add(update[4].toLowerCase()));
        continue;
      }
      const match = NSG_RULE_CREATE.exec(command);
      if (!match) continue;
      const [, subscription, resourceGroup, nsgName, name, priority, direction] = match;
      const nsgId = nsgIdOf(match);
      const key = `${nsgId.toLowerCase()}|${direction}`;
      const group = groups.get(key) ?? {
        nsgId,
        direction,
        scope: `--subscription ${subscription} --resource-group ${resourceGroup} --nsg-name ${nsgName}`,
        rules: new Map(),
      };
      groups.set(key, group);
      if (!group.rules.has(name)) group.rules.set(name, Number(priority));
    }
  }
  const plans = new Map<string, { priorities: Map<string, number>; move?: string; freed: Set<number> }>();
  for (const [key, group] of groups) {
    const chosen = [...group.rules.values()];
    if (new Set(chosen).size === chosen.length) continue;
    const nsg = [...topology.nsgs.values()].find((n) => n?.id?.toLowerCase() === group.nsgId.toLowerCase());
    const existing = (nsg?.securityRules ?? []).filter((r) => r.direction === group.direction && !group.rules.has(r.name ?? ""));
    // The Deny every new rule must precede: the lowest-numbered one a check moves back, or at or above the lowest
    // priority the checks chose (a check that took the Deny's own priority did so by moving it: at 100, a deny-all
    // leaves nothing free before it).
    const lowest = Math.min(...chosen);
    const movedHere = moved.get(group.nsgId.toLowerCase()) ?? new Set<string>();
    const blocker = existing
      .filter((r) => r.access === "Deny" && (movedHere.has((r.name ?? "").toLowerCase()) || (r.priority ?? 0) >= lowest))
      .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0))[0];
    const used = new Set(existing.map((r) => r.priority));
    const { priorities, move } = allocatePriorities(used, blocker?.priority, group.rules.size);
    const names = [...group.rules.keys()];
    plans.set(key, {
      priorities: new Map(names.map((name, index) => [name, priorities[index] ?? group.rules.get(name) ?? 100])),
      move: move && blocker ? `az network nsg rule update ${group.scope} --name ${blocker.name} --priority ${move.priority}` : undefined,
      freed: move?.freed ?? new Set(),
    });
  }
  if (plans.size === 0) return findings;
  return findings.map((finding) => {
    const commands = finding.fix.split(" && ");
    const touched = new Set<string>();
    const rewritten: string[] = [];
    for (const command of commands) {
      const update = NSG_RULE_UPDATE.exec(command);
      if (update) {
        const nsgId = nsgIdOf(update).toLowerCase();
        // A move written by one check for an NSG planned again here: the plan's own move replaces it.
        if ([...plans.keys()].some((key) => key.startsWith(`${nsgId}|`))) continue;
        rewritten.push(command);
        continue;
      }
      const match = NSG_RULE_CREATE.exec(command);
      const key = match && `${nsgIdOf(match).toLowerCase()}|${match[6]}`;
      const plan = key ? plans.get(key) : undefined;
      if (!match || !plan || !key) {
        rewritten.push(command);
        continue;
      }
      const priority = plan.priorities.get(match[4]) as number;
      if (plan.move && plan.freed.has(priority) && !touched.has(key)) rewritten.push(plan.move);
      touched.add(key);
      rewritten.push(command.replace(` --priority ${match[5]} `, ` --priority ${priority} `));
    }
    const fix = rewritten.join(" && ");
    return fix === finding.fix ? finding : { ...finding, fix };
  });
}
