/**
 * Compute subnets whose default route goes to a virtual appliance: when the appliance is an Azure Firewall (found by
 * its private IP in any subscription read), every required AML flow is judged against its policy (readiness/firewall);
 * another appliance cannot be judged, so a warning lists what it must pass.
 */
import type { AzureFirewall, Route, RouteTable } from "@azure/arm-network";
import { CompiledFirewall, compileFirewall, judgeSources } from "../firewall/evaluate-firewall";
import { FirewallFlow, requiredFirewallFlows } from "../firewall/firewall-flows";
import { classicFix, policyFix } from "../firewall/firewall-fix";
import type { PolicySource } from "../firewall/rule-order";
import { shortName } from "../topology/arm-id";
import type { HubNetwork } from "../topology/hub-network";
import type { Topology } from "../topology/topology";
import type { ComputeSubnet } from "./compute-subnets";
import type { CheckRecorder } from "./recorder";

export function firewallAt(hub: HubNetwork | undefined, ip: string | undefined): AzureFirewall | undefined {
  if (!hub || !ip) return undefined;
  return hub.firewalls.find((f) => (f.ipConfigurations ?? []).some((c) => c.privateIPAddress === ip) || f.hubIPAddresses?.privateIPAddress === ip);
}

export function policySource(hub: HubNetwork): PolicySource {
  return { policy: (id) => hub.policies.get(id.toLowerCase()), groups: (id) => hub.ruleCollectionGroups.get(id.toLowerCase()) };
}

/** Flows a more specific route sends straight to the internet (e.g. AzureMachineLearning → Internet) skip the appliance. */
function bypassesAppliance(routes: Route[], flow: FirewallFlow): boolean {
  const family = flow.tag.split(".")[0].toLowerCase();
  return routes.some((r) => r.nextHopType === "Internet" && [flow.tag.toLowerCase(), family].includes((r.addressPrefix ?? "").toLowerCase()));
}

/** One compilation per firewall and topology: many spokes share a firewall. */
const compiledCache = new WeakMap<HubNetwork, Map<string, CompiledFirewall>>();

function compiledFor(hub: HubNetwork, firewall: AzureFirewall, region: string): CompiledFirewall {
  let perHub = compiledCache.get(hub);
  if (!perHub) compiledCache.set(hub, (perHub = new Map<string, CompiledFirewall>()));
  const key = `${(firewall.id ?? "").toLowerCase()}|${region}`;
  let compiled = perHub.get(key);
  if (!compiled) perHub.set(key, (compiled = compileFirewall(firewall, { flows: requiredFirewallFlows(region), region, policies: policySource(hub) })));
  return compiled;
}

const describe = (flow: FirewallFlow): string => `${flow.protocol} ${flow.port} to ${flow.tag} (${flow.fqdn}; ${flow.purpose})`;

export function checkApplianceFlows(topology: Topology, recorder: CheckRecorder, entry: ComputeSubnet, table: RouteTable, tunnel: Route): void {
  const ip = tunnel.nextHopIpAddress;
  const subnetName = shortName(entry.subnetId);
  const routes = table.routes ?? [];
  const flows = requiredFirewallFlows(topology.workspace.location).filter((f) => !bypassesAppliance(routes, f));
  const firewall = firewallAt(topology.hub, ip);
  const hub = topology.hub;
  if (!firewall || !hub) {
    const unread = (hub?.unreadable ?? []).filter((u) => u.permission.startsWith("Microsoft.Network/azureFirewalls"));
    recorder.record(
      {
        id: `route.appliance:${subnetName}`,
        category: "route",
        title: `the virtual appliance ${ip} in front of ${subnetName} passes the AML flows`,
        resourceId: table.id as string,
      },
      [
        {
          severity: "warning",
          message: `Route table ${table.name} sends 0.0.0.0/0 from ${subnetName} to the virtual appliance ${ip}, which is not an Azure Firewall in the subscriptions read${unread.length ? ` (the firewalls of ${unread.map((u) => u.resourceId).join(", ")} could not be read: missing ${unread[0].permission})` : ""}, so it cannot be judged. It must pass from ${entry.subnet?.addressPrefix ?? entry.subnetId}: ${flows.map(describe).join("; ")}.`,
          fix: `On the appliance ${ip}: allow outbound from ${entry.subnet?.addressPrefix ?? subnetName} ${flows.map((f) => `${f.protocol}/${f.port} to ${f.tag} or ${f.fqdn}`).join(", ")}`,
        },
      ],
    );
    return;
  }
  const sourcePrefixes = entry.subnet?.addressPrefix ? [entry.subnet.addressPrefix] : (entry.subnet?.addressPrefixes ?? []);
  const compiled = compiledFor(hub, firewall, topology.workspace.location);
  const judgement = { ...compiled, verdicts: judgeSources(compiled, sourcePrefixes, new Set(flows.map((f) => f.key))) };
  const policyId = firewall.firewallPolicy?.id;
  const unreadPolicy = policyId && !hub.policies.has(policyId.toLowerCase());
  if (judgement.notes.length || unreadPolicy) {
    const missing = hub.unreadable.find((u) => u.permission.startsWith("Microsoft.Network/firewallPolicies"));
    recorder.record(
      {
        id: `route.firewall-judged:${firewall.name}`,
        category: "route",
        title: `the rules of Azure Firewall ${firewall.name} can all be judged`,
        resourceId: policyId ?? (firewall.id as string),
      },
      [
        {
          severity: "warning",
          message: `Azure Firewall ${firewall.name}: ${unreadPolicy ? `its policy ${policyId} could not be read${missing ? ` (missing ${missing.permission})` : ""}, so the AML flows through it are not judged` : judgement.notes.join("; ")}.`,
          fix: unreadPolicy
            ? `az role assignment create --role Reader --scope ${policyId} --assignee <identity>`
            : `Allow the AML hosts by name or service tag (see the route.firewall-flow checks) rather than by web category or FQDN tag.`,
        },
      ],
    );
    if (unreadPolicy) return;
  }
  const policyName = judgement.policy?.name;
  for (const verdict of judgement.verdicts) {
    const flow = verdict.flow;
    const by = verdict.decidedBy;
    const where = by
      ? `rule collection ${by.name} (priority ${by.priority}${by.groupName ? `, rule collection group ${by.groupName} priority ${by.groupPriority}` : ""}${by.policyId ? `, policy ${shortName(by.policyId)}${by.policyId.toLowerCase() !== policyId?.toLowerCase() ? ", inherited from the base policy" : ""}` : ""}) denies it with ${by.kind} rule ${by.ruleName}`
      : `no rule ${policyName ? `of policy ${policyName}${judgement.collections.network.some((c) => c.depth > 0) || judgement.collections.application.some((c) => c.depth > 0) ? " or its base policies" : ""}` : "of the firewall"} allows it (Azure Firewall denies by default)`;
    recorder.record(
      {
        id: `route.firewall-flow:${firewall.name}:${subnetName}:${flow.key}`,
        category: "route",
        title: `Azure Firewall ${firewall.name} lets ${subnetName} reach ${flow.tag} (${flow.fqdn}) on ${flow.protocol} ${flow.port}`,
        resourceId: policyId ?? (firewall.id as string),
      },
      verdict.allowed
        ? []
        : [
            {
              severity: "error",
              message: `Azure Firewall ${firewall.name} (${ip}, the next hop of 0.0.0.0/0 in route table ${table.name}) blocks ${describe(flow)} from ${subnetName}: ${where}. Compute there cannot reach it and stays unusable.`,
              fix: policyId
                ? policyFix(verdict, { policyId, sourcePrefixes, collections: [...judgement.collections.network, ...judgement.collections.application] })
                : classicFix(verdict, firewall, sourcePrefixes),
              resourceId: by?.policyId ?? policyId ?? firewall.id,
            },
          ],
    );
  }
}

/** Hub resources the identity could not read: named with the permission to grant. */
export function checkHubReads(topology: Topology, recorder: CheckRecorder): void {
  for (const u of topology.hub?.unreadable ?? []) {
    const dns = /dnsResolvers|dnsForwardingRulesets/.test(u.permission);
    recorder.record(
      {
        id: `${dns ? "dns" : "route"}.hub-readable:${shortName(u.resourceId)}:${u.permission.split("/").slice(1, -1).join("-")}`,
        category: dns ? "dns" : "route",
        title: `${u.what} ${u.resourceId} can be read`,
        resourceId: u.resourceId,
      },
      [
        {
          severity: "warning",
          message: `Could not read ${u.what} ${u.resourceId}: the identity lacks '${u.permission}', so ${dns ? "the DNS chain through it" : "the firewall rules there"} cannot be judged.`,
          fix: `az role assignment create --role Reader --scope ${u.resourceId} --assignee <identity>`,
        },
      ],
    );
  }
}
