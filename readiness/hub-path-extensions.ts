/**
 * The hub's evaluators for the path model's extension points (readiness/path/types.ts: ApplianceHopEvaluator,
 * CustomDnsResolver): an Azure Firewall on the route to a private endpoint is judged for that flow, and a VNet's
 * custom DNS servers are followed through resolvers, forwarding rules and firewall DNS proxy.
 */
import { dnsChainProblems } from "./checks/dns-chain-checks";
import { firewallAt, policySource } from "./checks/firewall-checks";
import type { Severity } from "./finding";
import { CompiledFirewall, compileFirewall, judgeSources } from "./firewall/evaluate-firewall";
import { addressFlow } from "./firewall/firewall-flows";
import { classicFix, policyFix } from "./firewall/firewall-fix";
import { shortName } from "./topology/arm-id";
import type { HubNetwork } from "./topology/hub-network";
import type { ApplianceHopContext, BrokenHop, CustomDnsContext, PathExtensions } from "./path/types";

const compiled = new WeakMap<HubNetwork, Map<string, CompiledFirewall>>();

/** Judges the flow source → endpoint through the Azure Firewall at the route's next hop; other appliances: undefined (not judged here). */
export function evaluateApplianceHop(context: ApplianceHopContext): BrokenHop | undefined {
  const hub = context.topology.hub;
  const firewall = firewallAt(hub, context.applianceIp);
  if (!hub || !firewall) return undefined;
  const flow = addressFlow(context.target.ip, context.target.port, `${context.target.service} (${context.target.name})`);
  let perHub = compiled.get(hub);
  if (!perHub) compiled.set(hub, (perHub = new Map<string, CompiledFirewall>()));
  const key = `${(firewall.id ?? "").toLowerCase()}|${flow.key}`;
  let judge = perHub.get(key);
  if (!judge) perHub.set(key, (judge = compileFirewall(firewall, { flows: [flow], region: context.topology.workspace.location, policies: policySource(hub) })));
  const sourcePrefixes = context.source.subnet?.addressPrefix ? [context.source.subnet.addressPrefix] : (context.source.subnet?.addressPrefixes ?? []);
  const [verdict] = judgeSources(judge, sourcePrefixes);
  if (verdict.allowed) return undefined;
  const by = verdict.decidedBy;
  const policyId = firewall.firewallPolicy?.id;
  const why = by
    ? `rule collection ${by.name}${by.policyId ? ` of policy ${shortName(by.policyId)}` : ""} denies it (rule ${by.ruleName})`
    : "no network rule allows it (Azure Firewall denies by default)";
  return {
    kind: "appliance",
    severity: "error",
    reason: `route ${context.routeName} of route table ${shortName(context.routeTableId)} sends it to Azure Firewall ${firewall.name} (${context.applianceIp}), where ${why}`,
    resourceId: by?.policyId ?? policyId ?? (firewall.id as string),
    fix: policyId
      ? policyFix(verdict, { policyId, sourcePrefixes, collections: [...judge.collections.network, ...judge.collections.application] })
      : classicFix(verdict, firewall, sourcePrefixes),
  };
}

/** Follows a VNet's custom DNS servers for one zone; undefined when the zone was not read. */
export function resolveCustomDns(context: CustomDnsContext): Array<{ severity: Severity; message: string; fix: string; resourceId: string }> | undefined {
  const zone = context.topology.zones.get(context.zoneId.toLowerCase());
  if (!zone) return undefined;
  return dnsChainProblems(context.topology, zone, context.vnetId, "client", [])?.map((p) => ({
    severity: p.severity,
    message: p.message,
    fix: p.fix,
    resourceId: p.resourceId ?? zone.id,
  }));
}

/** The engine's default path extensions. */
export const hubPathExtensions: PathExtensions = {
  appliance: { evaluate: evaluateApplianceHop },
  customDns: { resolve: resolveCustomDns },
};
