import type { NetworkSecurityGroup } from "@azure/arm-network";
import { evaluateFlow, FlowVerdict } from "../nsg/evaluate";
import { requiredComputeFlows, RequiredFlow } from "../nsg/aml-flows";
import type { Severity } from "../finding";
import { idParts, shortName } from "../topology/arm-id";
import type { Topology } from "../topology/topology";
import { ComputeSubnet, computeSubnets } from "./compute-subnets";
import type { CheckRecorder, Problem } from "./recorder";
import type { PathModel } from "../path/path-model";

const SEVERITY: Record<RequiredFlow["requirement"], Severity> = { required: "error", situational: "warning", legacy: "info" };

/**
 * The NSG AML creates for public-IP compute (on the nodes' side, after the subnet NSG inbound): it lets
 * AzureMachineLearning reach TCP 44224 and otherwise carries Azure's default rules.
 */
function amlManagedNsg(subnetId: string): NetworkSecurityGroup {
  return {
    id: `${subnetId}/amlManagedNsg`,
    securityRules: [{ name: "AzureMachineLearningInbound", priority: 1000, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "AzureMachineLearning", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "44224" }],
  };
}

/** Everything Azure counts as VirtualNetwork for this subnet: its VNet, peered VNets and UDR prefixes. */
function virtualNetworkPrefixes(topology: Topology, entry: ComputeSubnet): string[] {
  const prefixes = [...(entry.vnet?.addressSpace?.addressPrefixes ?? [])];
  for (const peering of entry.vnet?.virtualNetworkPeerings ?? []) if (peering.peeringState === "Connected") prefixes.push(...(peering.remoteAddressSpace?.addressPrefixes ?? []));
  for (const route of topology.routeTables.get(entry.subnet?.routeTable?.id)?.routes ?? []) if (route.addressPrefix && /^\d/.test(route.addressPrefix)) prefixes.push(route.addressPrefix);
  return prefixes;
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

function fixFor(required: RequiredFlow, nsg: NetworkSecurityGroup | undefined, verdict: FlowVerdict): string {
  if (!nsg?.id) return `Attach an NSG that allows it: ${required.fixRule.direction} ${required.fixRule.protocol} ${required.fixRule.ports.join(",")} ${required.fixRule.tag}`;
  const { subscriptionId, resourceGroup, name } = idParts(nsg.id);
  const rule = required.fixRule;
  const remote = rule.direction === "Outbound" ? `--source-address-prefixes VirtualNetwork --destination-address-prefixes ${rule.tag}` : `--source-address-prefixes ${rule.tag} --destination-address-prefixes VirtualNetwork`;
  const blocker = verdict.blockedBy;
  let priority = priorityBefore(nsg, rule.direction, blocker?.priority ?? 4096);
  let moveBlocker = "";
  if (priority === undefined && blocker && blocker.nsgId.toLowerCase() === nsg.id.toLowerCase()) {
    // Nothing is free before the blocking rule (it sits at 100): move it to the next free priority, take its place.
    moveBlocker = `az network nsg rule update --subscription ${subscriptionId} --resource-group ${resourceGroup} --nsg-name ${name} --name ${blocker.ruleName} --priority ${priorityAfter(nsg, rule.direction, blocker.priority)} && `;
    priority = blocker.priority;
  }
  return `${moveBlocker}az network nsg rule create --subscription ${subscriptionId} --resource-group ${resourceGroup} --nsg-name ${name} --name ${rule.name} --priority ${priority ?? 100} --direction ${rule.direction} --access Allow --protocol ${rule.protocol === "*" ? "'*'" : rule.protocol} ${remote} --source-port-ranges '*' --destination-port-ranges ${rule.ports.join(" ")}`;
}

function describe(required: RequiredFlow): string {
  const flow = required.flow;
  const remote = "tag" in flow.remote ? flow.remote.tag : flow.remote.cidr;
  return `${flow.direction.toLowerCase()} ${flow.protocol === "Any" ? "any protocol" : flow.protocol.toUpperCase()} ${flow.port} ${flow.direction === "Outbound" ? "to" : "from"} ${remote}`;
}

/** Every flow the seed tables require for the computes as configured, evaluated the way Azure evaluates NSGs. */
export function checkNsgFlows(topology: Topology, recorder: CheckRecorder, model?: PathModel): void {
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
    const flows = requiredComputeFlows({ region: topology.workspace.location, publicIp: entry.publicIp, cloud: topology.cloud }).filter((f) => f.requirement !== "legacy");
    for (const required of flows) {
      const verdict = evaluateFlow(required.flow, options);
      const problems: Problem[] = [];
      if (!verdict.allowed) {
        const blocker = verdict.blockedBy;
        const byRule = blocker ? `rule ${blocker.ruleName} (priority ${blocker.priority}${blocker.nsgId ? ` in ${shortName(blocker.nsgId)}` : ""})` : "the NSG";
        problems.push({
          severity: SEVERITY[required.requirement],
          message: `NSG blocks ${describe(required)} for compute in ${name}: ${byRule} denies it. ${required.purpose}${required.requirement === "required" ? "" : ` (${required.requirement})`}.`,
          fix: fixFor(required, subnetNsg, verdict),
          resourceId: subnetNsg?.id ?? entry.subnetId,
        });
      } else if (verdict.uncertain) {
        problems.push({ severity: "warning", message: `Cannot verify ${describe(required)} for compute in ${name}: ${verdict.uncertain}`, fix: fixFor(required, subnetNsg, verdict), resourceId: subnetNsg?.id ?? entry.subnetId });
      }
      const remote = "tag" in required.flow.remote ? required.flow.remote.tag : required.flow.remote.cidr;
      recorder.record(
        { id: `nsg.flow:${name}:${required.flow.direction.toLowerCase()}:${remote}:${required.flow.protocol.toLowerCase()}/${required.flow.port}`, category: "nsg", title: `${name} allows ${describe(required)} (${required.requirement})`, resourceId: subnetNsg?.id ?? entry.subnetId },
        problems,
      );
    }
  }
}
