/**
 * The DNS chain verdict for a VNet that does not simply use Azure DNS (custom DNS servers, or a linked forwarding
 * ruleset): whether the workspace's names get their private answer, and if not, what decides it and the fix.
 */
import { recordNameIn } from "../../network/private-link-zones";
import { ChainVerdict, ChainWorld, hasDnsChain, resolveFromVnet } from "../dns-chain/resolve-chain";
import { idParts, shortName } from "../topology/arm-id";
import type { Topology, ZoneState } from "../topology/topology";
import { linkZoneCommand, peeringCommand } from "./fixes";
import type { Problem } from "./recorder";

function world(topology: Topology): ChainWorld {
  return { vnets: topology.vnets, hub: topology.hub, zones: [...topology.zones.values()] };
}

function problemFor(verdict: ChainVerdict, zone: ZoneState, vnetId: string, role: string, fqdn: string): Problem[] {
  const trail = verdict.trail.join("; ");
  const subject = `${fqdn} from the ${role} VNet ${shortName(vnetId)}`;
  switch (verdict.kind) {
    case "private":
      return [];
    case "public":
      return [
        {
          severity: "error",
          message: `${subject} resolves to its public address: ${trail}. Link ${zone.name} to VNet ${shortName(verdict.vnetId)}, which answers the query.`,
          fix: linkZoneCommand(zone.id, verdict.vnetId),
          resourceId: zone.id,
        },
      ];
    case "unreachable":
      return [
        {
          severity: "error",
          message: `${subject} gets no answer: ${verdict.trail.join("; ")}, so its queries never reach the DNS server.`,
          fix: `${peeringCommand(verdict.clientVnetId, verdict.serverVnetId)} && ${peeringCommand(verdict.serverVnetId, verdict.clientVnetId)}`,
          resourceId: vnetId,
        },
      ];
    case "dropped": {
      const policyId = verdict.firewall.firewallPolicy?.id;
      const p = policyId ? idParts(policyId) : undefined;
      return [
        {
          severity: "error",
          message: `${subject} gets no answer: ${trail}, so it does not answer DNS.`,
          fix: p
            ? `az network firewall policy update --subscription ${p.subscriptionId} --resource-group ${p.resourceGroup} --name ${p.name} --enable-dns-proxy true`
            : `Turn on DNS proxy on Azure Firewall ${verdict.firewall.name} (through a firewall policy's dnsSettings.enableProxy).`,
          resourceId: policyId ?? verdict.firewall.id,
        },
      ];
    }
    case "unknown": {
      const suffix = zone.name.replace(/^privatelink\./, "");
      const capturesPrivatelink = verdict.rule && verdict.rule.rule.domainName.toLowerCase().replace(/\.$/, "").includes("privatelink.");
      if (verdict.rule && capturesPrivatelink) {
        const r = idParts(verdict.rule.rulesetId);
        return [
          {
            severity: "error",
            message: `${subject} does not get the private answer of ${zone.name}: ${trail}. Forwarding rule ${verdict.rule.rule.name} captures the privatelink zone and sends it away from the VNets linked to it.`,
            fix: `az dns-resolver forwarding-rule delete --subscription ${r.subscriptionId} --resource-group ${r.resourceGroup} --ruleset-name ${r.name} --name ${verdict.rule.rule.name}   # or point it at an inbound endpoint in a VNet linked to ${zone.name}`,
            resourceId: verdict.rule.rule.id ?? verdict.rule.rulesetId,
          },
        ];
      }
      return [
        {
          severity: "warning",
          message: `${subject} leaves what amlvnet can see: ${trail}. Unless that server forwards ${suffix} to a resolver in a VNet linked to ${zone.name}, it resolves the public address.`,
          fix: `On ${verdict.server}: add a conditional forwarder for ${suffix} (and ${zone.name}) to 168.63.129.16 from a DNS server in a VNet linked to ${zone.name}, or to a DNS Private Resolver inbound endpoint in such a VNet.`,
          resourceId: verdict.rule?.rule.id ?? vnetId,
        },
      ];
    }
  }
}

/** Problems for `zone` as seen from `vnetId`, or undefined when the VNet uses plain Azure DNS (the link check applies). */
export function dnsChainProblems(topology: Topology, zone: ZoneState, vnetId: string, role: string, fqdns: string[]): Problem[] | undefined {
  const w = world(topology);
  if (!hasDnsChain(w, vnetId)) return undefined;
  const names = fqdns.filter((f) => recordNameIn(zone.name, f) !== undefined);
  const suffix = zone.name.replace(/^privatelink\./, "");
  const samples = names.length ? names : [`${idParts(topology.workspace.id).name}.${suffix}`];
  for (const publicName of samples) {
    const record = recordNameIn(zone.name, publicName) as string;
    const privatelinkName = `${record}.${zone.name}`;
    const problems = problemFor(resolveFromVnet(w, vnetId, publicName, privatelinkName, zone.name), zone, vnetId, role, publicName);
    if (problems.length) return problems;
  }
  return [];
}
