/**
 * Follows a name through a VNet's DNS chain, as Azure resolves it (learn dns/dns-private-resolver-overview,
 * private-resolver-endpoints-rulesets, azure/firewall/dns-details): a VNet on Azure DNS answers from the private zones
 * linked to it, then the forwarding rules of rulesets linked to it (longest suffix first), then public DNS; a custom
 * DNS server that is a resolver inbound endpoint answers as from the resolver's VNet; an Azure Firewall with DNS
 * proxy forwards to its policy's servers, or to Azure DNS as from its own VNet; any other server is out of sight.
 * The public name is asked first; public DNS answers it with a CNAME into the privatelink zone, asked next. Pure.
 */
import type { ForwardingRule } from "@azure/arm-dnsresolver";
import type { AzureFirewall, VirtualNetwork } from "@azure/arm-network";
import { sameId, shortName } from "../topology/arm-id";
import type { HubNetwork } from "../topology/hub-network";
import type { IdMap, ZoneState } from "../topology/topology";

export const AZURE_DNS = "168.63.129.16";
const MAX_HOPS = 8;

export interface ChainWorld {
  vnets: IdMap<VirtualNetwork>;
  hub?: HubNetwork;
  /** Private DNS zones (with links) read for the workspace. */
  zones: ZoneState[];
}

export type ChainVerdict =
  /** Answered from a private zone linked to `vnetId`. */
  | { kind: "private"; zone: ZoneState; vnetId: string; trail: string[] }
  /** Reached public DNS as from `vnetId`, with no private zone `zoneName` linked there and no rule covering it. */
  | { kind: "public"; vnetId: string; trail: string[] }
  /** Forwarded to a server amlvnet cannot see (`rule`: the forwarding rule that sent it there, if any). */
  | { kind: "unknown"; server: string; rule?: { rulesetId: string; rule: ForwardingRule }; trail: string[] }
  /** Sent to an Azure Firewall whose policy has DNS proxy off: the firewall does not answer DNS. */
  | { kind: "dropped"; firewall: AzureFirewall; trail: string[] }
  /** The DNS server sits in `serverVnetId`, which the client VNet neither is nor is peered with. */
  | { kind: "unreachable"; clientVnetId: string; serverVnetId: string; server: string; trail: string[] };

const SEVERITY: Record<ChainVerdict["kind"], number> = { private: 0, unknown: 1, public: 2, dropped: 2, unreachable: 2 };

/** The worst of several servers' answers: a client may use any of them. */
function worst(verdicts: ChainVerdict[]): ChainVerdict {
  return verdicts.reduce((a, b) => (SEVERITY[b.kind] > SEVERITY[a.kind] ? b : a));
}

function customServers(vnet: VirtualNetwork | undefined): string[] {
  return (vnet?.dhcpOptions?.dnsServers ?? []).filter((s) => s !== AZURE_DNS);
}

/** Whether the VNet's resolution goes beyond plain Azure DNS + zone links (custom servers or a linked ruleset). */
export function hasDnsChain(world: ChainWorld, vnetId: string): boolean {
  return customServers(world.vnets.get(vnetId)).length > 0 || linkedRulesets(world, vnetId).length > 0;
}

function linkedRulesets(world: ChainWorld, vnetId: string): string[] {
  const ids: string[] = [];
  for (const [rulesetId, links] of world.hub?.rulesetLinks ?? []) if (links.some((l) => sameId(l.virtualNetwork?.id, vnetId))) ids.push(rulesetId);
  return ids;
}

function ruleFor(world: ChainWorld, vnetId: string, name: string): { rulesetId: string; rule: ForwardingRule } | undefined {
  const fqdn = name.toLowerCase().replace(/\.$/, "") + ".";
  let best: { rulesetId: string; rule: ForwardingRule } | undefined;
  for (const rulesetId of linkedRulesets(world, vnetId)) {
    for (const rule of world.hub?.forwardingRules.get(rulesetId) ?? []) {
      if (rule.forwardingRuleState === "Disabled") continue;
      const domain = rule.domainName.toLowerCase();
      const matches = domain === "." || fqdn === domain || fqdn.endsWith("." + domain);
      if (matches && (!best || domain.length > best.rule.domainName.length)) best = { rulesetId, rule };
    }
  }
  return best;
}

function resolverVnetOf(world: ChainWorld, ip: string): { vnetId: string; label: string } | undefined {
  for (const resolver of world.hub?.resolvers ?? []) {
    const endpoints = world.hub?.inboundEndpoints.get((resolver.id as string).toLowerCase()) ?? [];
    const endpoint = endpoints.find((e) => e.ipConfigurations.some((c) => c.privateIpAddress === ip));
    if (endpoint) return { vnetId: resolver.virtualNetwork.id, label: `inbound endpoint ${endpoint.name} (${ip}) of DNS resolver ${resolver.name}` };
  }
  return undefined;
}

function firewallAt(world: ChainWorld, ip: string): AzureFirewall | undefined {
  return world.hub?.firewalls.find((f) => (f.ipConfigurations ?? []).some((c) => c.privateIPAddress === ip));
}

interface Query {
  /** Names still to resolve: the public name, then its privatelink CNAME target. */
  names: string[];
  zoneName: string;
  hops: number;
}

/** Resolution as Azure DNS does it for `vnetId`: linked zones, then linked rulesets' rules, then public DNS. */
function asAzureDns(world: ChainWorld, vnetId: string, query: Query, trail: string[]): ChainVerdict {
  const [name, ...rest] = query.names;
  const lower = name.toLowerCase();
  const zone = world.zones.find(
    (z) =>
      z.zone && (lower === z.name.toLowerCase() || lower.endsWith("." + z.name.toLowerCase())) && z.links.some((l) => sameId(l.virtualNetwork?.id, vnetId)),
  );
  if (zone) return { kind: "private", zone, vnetId, trail: [...trail, `private zone ${zone.name} is linked to VNet ${shortName(vnetId)}`] };
  const rule = ruleFor(world, vnetId, name);
  if (rule) {
    const targets = rule.rule.targetDnsServers.map((t) => t.ipAddress);
    const step = `forwarding rule ${rule.rule.name} (${rule.rule.domainName}) of ruleset ${shortName(rule.rulesetId)}, linked to VNet ${shortName(vnetId)}, forwards ${name} to ${targets.join(", ")}`;
    return worst(targets.map((ip) => followServer(world, ip, { ...query, hops: query.hops + 1 }, [...trail, step], rule)));
  }
  if (rest.length > 0) return asAzureDns(world, vnetId, { ...query, names: rest }, [...trail, `public DNS answers ${name} with a CNAME to ${rest[0]}`]);
  return {
    kind: "public",
    vnetId,
    trail: [...trail, `no private zone ${query.zoneName} is linked to VNet ${shortName(vnetId)} and no forwarding rule covers ${name}: public DNS answers`],
  };
}

function followServer(world: ChainWorld, ip: string, query: Query, trail: string[], rule?: { rulesetId: string; rule: ForwardingRule }): ChainVerdict {
  if (query.hops > MAX_HOPS) return { kind: "unknown", server: ip, rule, trail: [...trail, `the chain loops after ${MAX_HOPS} hops`] };
  const resolver = resolverVnetOf(world, ip);
  if (resolver)
    return asAzureDns(world, resolver.vnetId, { ...query, hops: query.hops + 1 }, [
      ...trail,
      `${resolver.label} answers as from VNet ${shortName(resolver.vnetId)}`,
    ]);
  const firewall = firewallAt(world, ip);
  if (firewall) {
    const policy = firewall.firewallPolicy?.id ? world.hub?.policies.get(firewall.firewallPolicy.id.toLowerCase()) : undefined;
    if (!policy?.dnsSettings?.enableProxy)
      return {
        kind: "dropped",
        firewall,
        trail: [...trail, `${ip} is Azure Firewall ${firewall.name}, whose policy${policy ? ` ${policy.name}` : ""} has DNS proxy off`],
      };
    const servers = policy.dnsSettings.servers ?? [];
    const label = `Azure Firewall ${firewall.name} (${ip}) proxies DNS`;
    if (servers.length > 0)
      return worst(servers.map((s) => followServer(world, s, { ...query, hops: query.hops + 1 }, [...trail, `${label} to ${servers.join(", ")}`])));
    const subnetId = firewall.ipConfigurations?.[0]?.subnet?.id ?? "";
    const vnetId = subnetId.replace(/\/subnets\/[^/]+$/i, "");
    return asAzureDns(world, vnetId, { ...query, hops: query.hops + 1 }, [...trail, `${label} to Azure DNS as from VNet ${shortName(vnetId)}`]);
  }
  if (ip === AZURE_DNS) return { kind: "unknown", server: ip, rule, trail: [...trail, `${ip} answers as from the asking VNet`] };
  return { kind: "unknown", server: ip, rule, trail: [...trail, `${ip} is not a DNS resolver inbound endpoint or Azure Firewall in the subscriptions read`] };
}

/** The VNet of a resolver inbound endpoint or firewall at `ip`, if it is one. */
function serverVnet(world: ChainWorld, ip: string): string | undefined {
  const resolver = resolverVnetOf(world, ip);
  if (resolver) return resolver.vnetId;
  const subnetId = firewallAt(world, ip)?.ipConfigurations?.[0]?.subnet?.id;
  return subnetId ? subnetId.replace(/\/subnets\/[^/]+$/i, "") : undefined;
}

/** Whether clients in `clientVnetId` reach addresses in `serverVnetId`: the same VNet or a Connected peering. */
function reaches(world: ChainWorld, clientVnetId: string, serverVnetId: string): boolean {
  if (sameId(clientVnetId, serverVnetId)) return true;
  return (world.vnets.get(clientVnetId)?.virtualNetworkPeerings ?? []).some(
    (p) => sameId(p.remoteVirtualNetwork?.id, serverVnetId) && p.peeringState === "Connected" && p.allowVirtualNetworkAccess !== false,
  );
}

/** How clients in `vnetId` resolve `publicName` (whose private answer lives in `zoneName` as `privatelinkName`). */
export function resolveFromVnet(world: ChainWorld, vnetId: string, publicName: string, privatelinkName: string, zoneName: string): ChainVerdict {
  const query: Query = {
    names: publicName.toLowerCase() === privatelinkName.toLowerCase() ? [privatelinkName] : [publicName, privatelinkName],
    zoneName,
    hops: 0,
  };
  const servers = customServers(world.vnets.get(vnetId));
  if (servers.length === 0) return asAzureDns(world, vnetId, query, [`VNet ${shortName(vnetId)} uses Azure DNS`]);
  return worst(
    servers.map((ip): ChainVerdict => {
      const trail = [`VNet ${shortName(vnetId)} uses DNS server ${ip}`];
      const where = serverVnet(world, ip);
      if (where && !reaches(world, vnetId, where))
        return {
          kind: "unreachable",
          clientVnetId: vnetId,
          serverVnetId: where,
          server: ip,
          trail: [...trail, `${ip} is in VNet ${shortName(where)}, which VNet ${shortName(vnetId)} is not peered with (Connected)`],
        };
      return followServer(world, ip, query, trail);
    }),
  );
}
