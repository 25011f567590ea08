import type { NetworkSecurityGroup } from "@azure/arm-network";
import { evaluateFlow, FlowVerdict } from "../nsg/evaluate";
import { requiredComputeFlows, RequiredFlow } from "../nsg/aml-flows";
import type { Severity } from "../finding";
import { sameId, shortName } from "../topology/arm-id";
import { type Topology, virtualNetworkPrefixes } from "../topology/topology";
import { computeSubnets } from "./compute-subnets";
import { NsgFixPlanner } from "./nsg-fix-plan";
import type { CheckRecorder, CheckSpec, Problem } from "./recorder";
import type { PathModel } from "../path/path-model";

const SEVERITY: Record<RequiredFlow["requirement"], Severity> = { required: "error", situational: "warning", legacy: "info" };

/**
 * The NSG AML creates for public-IP compute (on the nodes' side, after the subnet NSG inbound): it lets
 * AzureMachineLearning reach TCP 44224 and otherwise carries Azure's default rules.
 */
function amlManagedNsg(subnetId: string): NetworkSecurityGroup {
  return {
    id: `${subnetId}/amlManagedNsg`,
    securityRules: [
      {
        name: "AzureMachineLearningInbound",
        priority: 1000,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefix: "AzureMachineLearning",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "44224",
      },
    ],
  };
}

/** Priorities taken in one direction (Azure allows the same priority once per direction). */
function usedPriorities(nsg: NetworkSecurityGroup | undefined, direction: string): Set<number | undefined> {
  return new Set((nsg?.securityRules ?? []).filter((r) => r.direction === direction).map((r) => r.priority));
}

/** A free priority just below (evaluated before) the blocking rule; undefined when every one from 100 is taken. */
export function priorityBefore(nsg: NetworkSecurityGroup | undefined, direction: string, blocker: number): number | undefined {
  const used = usedPriorities(nsg, direction);
  for (let p = Math.min(blocker - 1, 4096); p >= 100; p--) if (!used.has(p)) return p;
  return undefined;
}

/** The first free priority after the blocking rule, where it can move to make room before it. */
export function priorityAfter(nsg: NetworkSecurityGroup | undefined, direction: string, blocker: number): number {
  const used = usedPriorities(nsg, direction);
  for (let p = blocker + 1; p <= 4096; p++) if (!used.has(p)) return p;
  return 4096;
}

function describe(required: RequiredFlow): string {
  const flow = required.flow;
  const remote = "tag" in flow.remote ? flow.remote.tag : flow.remote.cidr;
  return `${flow.direction.toLowerCase()} ${flow.protocol === "Any" ? "any protocol" : flow.protocol.toUpperCase()} ${flow.port} ${flow.direction === "Outbound" ? "to" : "from"} ${remote}`;
}

interface FlowOutcome {
  spec: CheckSpec;
  subnetName: string;
  required: RequiredFlow;
  verdict: FlowVerdict;
  subnetNsg?: NetworkSecurityGroup;
  resourceId: string;
}

/** The fix for a flow: the planned rule in the subnet's NSG, or an NSG to attach. */
function fixFor(outcome: FlowOutcome, planner: NsgFixPlanner): string {
  const rule = outcome.required.fixRule;
  if (!outcome.subnetNsg?.id) return `Attach an NSG that allows it: ${rule.direction} ${rule.protocol} ${rule.ports.join(",")} ${rule.tag}`;
  return planner.commandFor(outcome.subnetNsg as NetworkSecurityGroup & { id: string }, rule);
}

function blockerIn(nsg: NetworkSecurityGroup | undefined, verdict: FlowVerdict): { ruleName: string; priority: number } | undefined {
  const blocker = verdict.blockedBy;
  return blocker && nsg?.id && sameId(blocker.nsgId, nsg.id) ? { ruleName: blocker.ruleName, priority: blocker.priority } : undefined;
}

/** One finding per distinct fix: flows one rule covers (TCP 80 and 443 to Entra ID) share the finding of the first. */
function problemFor(group: FlowOutcome[], fix: string): Problem {
  const [first] = group;
  const what = describeFlows(group.map((o) => o.required));
  const where = unique(group.map((o) => o.subnetName)).join(", ");
  const severity = group.some((o) => !o.verdict.allowed && o.required.requirement === "required")
    ? "error"
    : !first.verdict.allowed
      ? SEVERITY[first.required.requirement]
      : "warning";
  if (!first.verdict.allowed) {
    const blocker = first.verdict.blockedBy;
    const byRule = blocker ? `rule ${blocker.ruleName} (priority ${blocker.priority}${blocker.nsgId ? ` in ${shortName(blocker.nsgId)}` : ""})` : "the NSG";
    const requirement = first.required.requirement;
    return {
      severity,
      message: `NSG blocks ${what} for compute in ${where}: ${byRule} denies it. ${first.required.purpose}${requirement === "required" ? "" : ` (${requirement})`}.`,
      fix,
      resourceId: first.resourceId,
    };
  }
  return { severity, message: `Cannot verify ${what} for compute in ${where}: ${first.verdict.uncertain}`, fix, resourceId: first.resourceId };
}

/** "outbound TCP 443, 18881 to AzureMachineLearning" when the flows differ only by port. */
function describeFlows(flows: RequiredFlow[]): string {
  const [first] = flows;
  const samePath = flows.every(
    (f) =>
      f.flow.direction === first.flow.direction &&
      f.flow.protocol === first.flow.protocol &&
      JSON.stringify(f.flow.remote) === JSON.stringify(first.flow.remote),
  );
  if (!samePath) return unique(flows.map(describe)).join(", ");
  return describe(first).replace(` ${first.flow.port} `, ` ${unique(flows.map((f) => String(f.flow.port))).join(", ")} `);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Every flow the seed tables require for the computes as configured, evaluated the way Azure evaluates NSGs. */
export function checkNsgFlows(topology: Topology, recorder: CheckRecorder, model?: PathModel): void {
  const outcomes: FlowOutcome[] = [];
  const planner = new NsgFixPlanner();
  for (const entry of computeSubnets(topology)) {
    if (!entry.subnet) continue;
    const name = shortName(entry.subnetId);
    const subnetNsg = topology.nsgs.get(entry.subnet.networkSecurityGroup?.id);
    const options = {
      // Normalized once per NSG by the path model: many subnets share one NSG, and each judges 16 flows.
      subnetNsg: model?.nsg(subnetNsg) ?? subnetNsg,
      nicNsg: entry.publicIp ? (model?.nsg(amlManagedNsg(entry.subnetId)) ?? amlManagedNsg(entry.subnetId)) : undefined,
      localPrefixes: [entry.subnet.addressPrefix ?? entry.subnet.addressPrefixes?.[0] ?? ""],
      vnetPrefixes: model?.virtualNetworkPrefixes(entry.subnetId) ?? virtualNetworkPrefixes(topology, entry),
      region: topology.workspace.location,
    };
    // Classic Batch node communication (inbound 29876-29877) was retired on 2026-03-31: nothing to check there.
    const flows = requiredComputeFlows({ region: topology.workspace.location, publicIp: entry.publicIp, cloud: topology.cloud }).filter(
      (f) => f.requirement !== "legacy",
    );
    for (const required of flows) {
      const verdict = evaluateFlow(required.flow, options);
      const remote = "tag" in required.flow.remote ? required.flow.remote.tag : required.flow.remote.cidr;
      const resourceId = subnetNsg?.id ?? entry.subnetId;
      const spec: CheckSpec = {
        id: `nsg.flow:${name}:${required.flow.direction.toLowerCase()}:${remote}:${required.flow.protocol.toLowerCase()}/${required.flow.port}`,
        category: "nsg",
        title: `${name} allows ${describe(required)} (${required.requirement})`,
        resourceId,
      };
      outcomes.push({ spec, subnetName: name, required, verdict, subnetNsg, resourceId });
      if ((!verdict.allowed || verdict.uncertain) && subnetNsg?.id)
        planner.request(subnetNsg as NetworkSecurityGroup & { id: string }, { rule: required.fixRule, blocker: blockerIn(subnetNsg, verdict) });
    }
  }
  // Fixes are planned together (distinct priorities per NSG and direction), then flows sharing a fix share a finding.
  const groups = new Map<string, FlowOutcome[]>();
  for (const outcome of outcomes) {
    if (outcome.verdict.allowed && !outcome.verdict.uncertain) continue;
    const key = `${outcome.verdict.allowed ? "uncertain" : "blocked"}|${fixFor(outcome, planner)}`;
    groups.set(key, [...(groups.get(key) ?? []), outcome]);
  }
  const findingOf = new Map<FlowOutcome, string>();
  for (const outcome of outcomes) {
    const group = [...groups.values()].find((g) => g.includes(outcome));
    if (!group) {
      recorder.record(outcome.spec);
    } else if (group[0] === outcome) {
      recorder.record(outcome.spec, [problemFor(group, fixFor(outcome, planner))]);
      for (const member of group) findingOf.set(member, outcome.spec.id);
    } else {
      recorder.link(outcome.spec, findingOf.get(outcome) as string);
    }
  }
}
