/**
 * The one place that decides whether a source subnet reaches a private endpoint's IP and port, and names the hop
 * that breaks: the source's NSGs outbound (NIC, then subnet), the route (same VNet, peering, or transit through a
 * virtual appliance in a hub), and the endpoint subnet's NSG inbound when its network policies enable NSGs.
 * Verdicts are memoized per (subnet, NIC NSG, IP, port), routes and VirtualNetwork prefixes per subnet, so a
 * thousand compute subnets cost a thousand route tables, not a thousand times the topology.
 */
import type { NetworkSecurityGroup, Subnet, VirtualNetwork } from "@azure/arm-network";
import { evaluateFlow, type FlowVerdict } from "../nsg/evaluate";
import { shortName, vnetIdOfSubnet } from "../topology/arm-id";
import type { Topology } from "../topology/topology";
import { inboundFix, outboundFix } from "./nsg-fixes";
import { asNormalizedNsg, type NormalizedNsg } from "../nsg/nsg-rule";
import { routeTo, subnetRoutes, type EffectiveRoute, type NextHopType } from "./routes";
import { routeProblem } from "./route-hops";
import type { BrokenHop, Hop, PathExtensions, PathSource, PathTarget, PathVerdict } from "./types";

const NSG_POLICIES = new Set(["enabled", "networksecuritygroupenabled"]);
const ROUTE_POLICIES = new Set(["enabled", "routetableenabled"]);

export function subnetPrefixes(subnet: Subnet | undefined): string[] {
  return subnet?.addressPrefix ? [subnet.addressPrefix] : (subnet?.addressPrefixes ?? []);
}

/** Whether an endpoint subnet's NSG filters its private endpoints' traffic. */
export function endpointNsgApplies(subnet: Subnet | undefined): boolean {
  return NSG_POLICIES.has((subnet?.privateEndpointNetworkPolicies ?? "Disabled").toLowerCase());
}

export class PathModel {
  private readonly routes = new Map<string, EffectiveRoute[]>();
  private readonly vnetPrefixes = new Map<string, string[]>();
  private readonly verdicts = new Map<string, PathVerdict>();
  private readonly subnets = new Map<string, Subnet | undefined>();
  private readonly normalized = new WeakMap<NetworkSecurityGroup, NormalizedNsg>();

  constructor(
    readonly topology: Topology,
    readonly extensions: PathExtensions = {},
  ) {}

  vnet(id: string | undefined): VirtualNetwork | undefined {
    return this.topology.vnets.get(id);
  }

  subnet(subnetId: string): Subnet | undefined {
    const key = subnetId.toLowerCase();
    if (!this.subnets.has(key))
      this.subnets.set(
        key,
        this.vnet(vnetIdOfSubnet(subnetId))?.subnets?.find((s) => (s.id ?? "").toLowerCase() === key),
      );
    return this.subnets.get(key);
  }

  /** The subnet's effective routes (without private endpoint /32s, which depend on the target). */
  routesOf(subnetId: string): EffectiveRoute[] {
    const key = subnetId.toLowerCase();
    let routes = this.routes.get(key);
    if (!routes) {
      const subnet = this.subnet(subnetId);
      routes = subnetRoutes(this.vnet(vnetIdOfSubnet(subnetId)), subnet, this.topology.routeTables.get(subnet?.routeTable?.id), (id) => this.vnet(id));
      this.routes.set(key, routes);
    }
    return routes;
  }

  /** What Azure counts as VirtualNetwork for this subnet's NSG rules: its VNet, Connected peers, UDR prefixes. */
  virtualNetworkPrefixes(subnetId: string): string[] {
    const key = subnetId.toLowerCase();
    let prefixes = this.vnetPrefixes.get(key);
    if (!prefixes) {
      prefixes = [
        ...new Set(
          this.routesOf(subnetId)
            .filter((r) => r.source === "User" || r.nextHopType === "VnetLocal" || r.nextHopType === "VNetPeering")
            .map((r) => r.prefix.text),
        ),
      ];
      this.vnetPrefixes.set(key, prefixes);
    }
    return prefixes;
  }

  /** The next hop type of the route `source` takes to `target`'s IP (VnetLocal, VNetPeering, VirtualAppliance...). */
  routeHop(source: PathSource, target: PathTarget): NextHopType | undefined {
    return this.routeFor(source, target)?.nextHopType;
  }

  /** The route `source` takes to `target`'s IP, with the endpoint subnet's route table policies applied. */
  routeFor(source: PathSource, target: PathTarget): EffectiveRoute | undefined {
    return routeTo(target.ip, this.routesOf(source.subnetId), source.vnetId, {
      endpointVnet: this.vnet(target.vnetId),
      endpointVnetId: target.vnetId,
      routeTablePolicies: ROUTE_POLICIES.has((this.subnet(target.subnetId)?.privateEndpointNetworkPolicies ?? "Disabled").toLowerCase()),
    });
  }

  /** The NSG normalized once (rules parsed, defaults added), however many flows it judges. */
  nsg(nsg: NetworkSecurityGroup | undefined): NormalizedNsg | undefined {
    if (!nsg) return undefined;
    let normalized = this.normalized.get(nsg);
    if (!normalized) {
      normalized = asNormalizedNsg(nsg);
      this.normalized.set(nsg, normalized);
    }
    return normalized;
  }

  /** Whether `source` reaches `target` (its IP and port), and if not the first hop that breaks. */
  reach(source: PathSource, target: PathTarget): PathVerdict {
    const key = `${source.subnetId}|${source.nicNsg?.id ?? ""}|${target.ip}|${target.port}`.toLowerCase();
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      verdict = this.evaluate(source, target);
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private evaluate(source: PathSource, target: PathTarget): PathVerdict {
    const hops: Hop[] = [];
    const outbound = this.sourceNsg(source, target);
    // A custom rule is the hop to name; a default DenyAllOutBound usually means no route made the IP VirtualNetwork.
    if (outbound.broken && !outbound.byDefaultRule) return { reachable: false, hops, broken: outbound.broken };
    const route = routeProblem(this, source, target, hops);
    if (route) return { reachable: false, hops, broken: route };
    if (outbound.broken) return { reachable: false, hops, broken: outbound.broken };
    hops.push({ kind: "source-nsg", description: `NSGs of ${source.label} allow outbound TCP ${target.port} to ${target.ip}` });
    const inbound = this.endpointNsg(source, target);
    if (inbound) return { reachable: false, hops, broken: inbound };
    return { reachable: true, hops };
  }

  private sourceNsg(source: PathSource, target: PathTarget): { broken?: BrokenHop; byDefaultRule?: boolean } {
    const subnetNsg = this.topology.nsgs.get(source.subnet?.networkSecurityGroup?.id);
    const verdict = evaluateFlow(
      { direction: "Outbound", protocol: "Tcp", port: target.port, remote: { cidr: `${target.ip}/32` } },
      {
        subnetNsg: this.nsg(subnetNsg),
        nicNsg: this.nsg(source.nicNsg),
        localPrefixes: subnetPrefixes(source.subnet),
        vnetPrefixes: this.virtualNetworkPrefixes(source.subnetId),
        region: this.topology.workspace.location,
      },
    );
    if (verdict.allowed) return {};
    const blocker = verdict.blockedBy;
    const nsg = blocker && blocker.level === "nic" ? source.nicNsg : subnetNsg;
    const byDefaultRule = verdict.decidedBy.at(-1)?.isDefault ?? false;
    return {
      byDefaultRule,
      broken: {
        kind: "source-nsg",
        severity: "error",
        reason: `${ruleText(verdict)} denies outbound TCP ${target.port} to ${target.ip}`,
        resourceId: nsg?.id ?? source.subnetId,
        fix: outboundFix(nsg, verdict, target),
      },
    };
  }

  private endpointNsg(source: PathSource, target: PathTarget): BrokenHop | undefined {
    const subnet = this.subnet(target.subnetId);
    const nsg = this.topology.nsgs.get(subnet?.networkSecurityGroup?.id);
    // With network policies Disabled (Azure's default for endpoint subnets) an attached NSG does not filter endpoints.
    if (!nsg || !endpointNsgApplies(subnet)) return undefined;
    const sources = subnetPrefixes(source.subnet);
    for (const cidr of sources.length ? sources : ["0.0.0.0/0"]) {
      const verdict = evaluateFlow(
        { direction: "Inbound", protocol: "Tcp", port: target.port, remote: { cidr } },
        {
          subnetNsg: this.nsg(nsg),
          localPrefixes: [`${target.ip}/32`],
          vnetPrefixes: this.virtualNetworkPrefixes(target.subnetId),
          region: this.topology.workspace.location,
        },
      );
      if (!verdict.allowed) {
        return {
          kind: "endpoint-nsg",
          severity: "error",
          reason: `${ruleText(verdict)} on endpoint subnet ${shortName(target.subnetId)} (privateEndpointNetworkPolicies ${subnet?.privateEndpointNetworkPolicies}) denies inbound TCP ${target.port} from ${cidr}`,
          resourceId: nsg.id as string,
          fix: inboundFix(nsg, verdict, cidr, target),
        };
      }
    }
    return undefined;
  }
}

function ruleText(verdict: FlowVerdict): string {
  const b = verdict.blockedBy;
  return b ? `rule ${b.ruleName} (priority ${b.priority}) of NSG ${shortName(b.nsgId)}` : "an NSG";
}
