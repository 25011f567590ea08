/**
 * Whether one NSG rule applies to one elementary flow (one protocol, one local address range, one remote range or
 * tag). evaluate.ts splits a flow into elementary flows so that every CIDR comparison here is all-or-nothing.
 */
import { formatIpv4, overlaps, parseCidr, type Ipv4Range } from "../../network/cidr";
import { sameId } from "../topology/arm-id";
import { parsePortSpec, type NsgAccess, type NsgDirection, type NsgRule } from "./nsg-rule";
import { addressSpaceOf, AZURE_LOAD_BALANCER_ADDRESS, isAnyPrefix, isIpv6Prefix, tagCovers, tryParseAddress, type Coverage } from "./service-tags";

export type FlowProtocol = "Tcp" | "Udp" | "Icmp" | "Any";

export interface NsgFlow {
  direction: NsgDirection;
  /** "Any" means the flow needs both TCP and UDP on the port. */
  protocol: FlowProtocol;
  port: number;
  remote: { tag: string } | { cidr: string };
  /** ASGs the compute NIC belongs to; absent means none (AML-created nodes join no ASG). */
  localAsgIds?: string[];
}

export interface ElementaryFlow {
  direction: NsgDirection;
  protocol: "Tcp" | "Udp" | "Icmp";
  port: number;
  remote: { kind: "tag"; tag: string } | { kind: "range"; range: Ipv4Range };
  /** Undefined when the caller gave no local prefixes. */
  local?: Ipv4Range;
  localAsgIds: string[];
}

export interface MatchContext {
  vnetRanges: Ipv4Range[];
  region: string;
}

export interface RuleCoverage {
  coverage: Coverage;
  /** Why the coverage is "unknown", for people. */
  why?: string;
}

// The compute side is Ubuntu (the only OS AML supports), whose ephemeral ports are 32768-60999; the remote side of
// an inbound flow may be any OS, so the whole unprivileged range is assumed.
const LINUX_EPHEMERAL: Ipv4Range = { first: 32768, last: 60999 };
const ANY_EPHEMERAL: Ipv4Range = { first: 1024, last: 65535 };
const ALL_IPV4: Ipv4Range = { first: 0, last: 2 ** 32 - 1 };

export function ruleCoverage(rule: NsgRule, flow: ElementaryFlow, ctx: MatchContext): RuleCoverage {
  if (rule.direction !== flow.direction) return { coverage: "disjoint" };
  if (rule.protocol !== "*" && rule.protocol !== flow.protocol) return { coverage: "disjoint" };
  if (!rule.destinationPorts.some((p) => inRange(flow.port, parsePortSpec(p)))) return { coverage: "disjoint" };
  const outbound = flow.direction === "Outbound";
  const parts: RuleCoverage[] = [
    sourcePortCoverage(rule, outbound ? LINUX_EPHEMERAL : ANY_EPHEMERAL),
    localCoverage(outbound ? rule.sourcePrefixes : rule.destinationPrefixes, outbound ? rule.sourceAsgIds : rule.destinationAsgIds, flow, rule.access),
    remoteCoverage(outbound ? rule.destinationPrefixes : rule.sourcePrefixes, outbound ? rule.destinationAsgIds : rule.sourceAsgIds, flow, ctx, rule.access),
  ];
  for (const c of ["disjoint", "unknown", "partial"] as const) {
    const found = parts.find((p) => p.coverage === c);
    if (found) return found;
  }
  return { coverage: "covers" };
}

function inRange(port: number, range: Ipv4Range): boolean {
  return range.first <= port && port <= range.last;
}

function sourcePortCoverage(rule: NsgRule, ephemeral: Ipv4Range): RuleCoverage {
  const coverage = rangeUnionCoverage(
    ephemeral,
    rule.sourcePorts.map((p) => parsePortSpec(p)),
  );
  if (coverage !== "partial") return { coverage };
  // Which ephemeral port the OS picks decides the match: sometimes the rule applies, sometimes not.
  return {
    coverage: "unknown",
    why: `its source ports ${rule.sourcePorts.join(",")} cover only part of the ephemeral range ${ephemeral.first}-${ephemeral.last}`,
  };
}

function localCoverage(prefixes: string[], asgIds: string[], flow: ElementaryFlow, access: NsgAccess): RuleCoverage {
  const parts: RuleCoverage[] = asgIds.map((id) => ({ coverage: flow.localAsgIds.some((a) => sameId(a, id)) ? "covers" : "disjoint" }));
  for (const prefix of prefixes) {
    const range = tryParseAddress(prefix);
    if (isAnyPrefix(prefix) || prefix.toLowerCase() === "virtualnetwork") parts.push({ coverage: "covers" });
    else if (!range)
      parts.push({ coverage: "disjoint" }); // IPv6, Internet, service tags: never the compute's private IPv4
    else if (!flow.local) parts.push({ coverage: "unknown", why: `it names ${prefix} and no local (subnet) prefixes were given` });
    else parts.push({ coverage: rangeUnionCoverage(flow.local, [range]) });
  }
  return unionOf(parts, access);
}

function remoteCoverage(prefixes: string[], asgIds: string[], flow: ElementaryFlow, ctx: MatchContext, access: NsgAccess): RuleCoverage {
  const parts: RuleCoverage[] = [];
  const remote = flow.remote;
  for (const id of asgIds) {
    // ASG members are NICs inside the VNets; their addresses are not part of the input.
    const inVnet = remote.kind === "range" && ctx.vnetRanges.some((v) => overlaps(v, remote.range));
    parts.push(inVnet ? { coverage: "unknown", why: `whether the remote addresses are NICs of ASG ${id} is not known` } : { coverage: "disjoint" });
  }
  for (const prefix of prefixes) {
    if (remote.kind === "tag" && prefix.toLowerCase() === "virtualnetwork" && remote.tag.toLowerCase() !== "virtualnetwork") {
      parts.push(virtualNetworkCoversTag(remote.tag, ctx));
    } else if (remote.kind === "tag") {
      const coverage = tagCovers(prefix, remote.tag, ctx.region);
      parts.push(
        coverage === "unknown"
          ? { coverage, why: `whether ${prefix} contains service tag ${remote.tag} cannot be told without the published service tag prefixes` }
          : { coverage },
      );
    } else {
      parts.push(prefixCoversRange(prefix, remote.range, ctx));
    }
  }
  return unionOf(parts, access);
}

// VirtualNetwork also holds the prefixes of user-defined routes (0.0.0.0/0 to a firewall makes it cover everything).
function virtualNetworkCoversTag(tag: string, ctx: MatchContext): RuleCoverage {
  if (rangeUnionCoverage(ALL_IPV4, ctx.vnetRanges) === "covers") return { coverage: "covers" };
  const publicParts = ctx.vnetRanges.filter((r) => addressSpaceOf(r) !== "non-public").map(rangeText);
  if (publicParts.length === 0) return { coverage: tagCovers("VirtualNetwork", tag, ctx.region) };
  return { coverage: "unknown", why: `VirtualNetwork includes ${publicParts.join(", ")}, which may hold addresses of service tag ${tag}` };
}

/** A rule prefix against a remote address range (the VNet's own prefixes included). */
function prefixCoversRange(prefix: string, range: Ipv4Range, ctx: MatchContext): RuleCoverage {
  if (isAnyPrefix(prefix)) return { coverage: "covers" };
  if (isIpv6Prefix(prefix)) return { coverage: "disjoint" };
  const cidr = tryParseAddress(prefix);
  if (cidr) return { coverage: rangeUnionCoverage(range, [cidr]) };
  const inVnet = rangeUnionCoverage(range, ctx.vnetRanges);
  const tag = prefix.toLowerCase();
  if (tag === "virtualnetwork") return { coverage: inVnet };
  if (tag === "azureloadbalancer") return { coverage: rangeUnionCoverage(range, [parseCidr(AZURE_LOAD_BALANCER_ADDRESS)]) };
  if (inVnet === "covers") return { coverage: "disjoint" };
  const space = addressSpaceOf(range);
  if (inVnet === "disjoint" && space === "non-public") return { coverage: "disjoint" };
  if (tag === "internet" && inVnet === "disjoint" && space === "public") return { coverage: "covers" };
  return { coverage: "unknown", why: `whether ${rangeText(range)} is inside service tag ${prefix} cannot be told without the published service tag prefixes` };
}

/** Alternatives on one side of a rule (several prefixes, several ASGs): the rule applies if any of them does. */
function unionOf(parts: RuleCoverage[], access: NsgAccess): RuleCoverage {
  // A partial overlap already decides a Deny; for an Allow an unknown part might still complete the coverage.
  const order: Coverage[] = access === "Deny" ? ["covers", "partial", "unknown"] : ["covers", "unknown", "partial"];
  for (const c of order) {
    const found = parts.find((p) => p.coverage === c);
    if (found) return found;
  }
  return { coverage: "disjoint" };
}

/** How much of `target` the union of `parts` holds. */
export function rangeUnionCoverage(target: Ipv4Range, parts: Ipv4Range[]): "covers" | "partial" | "disjoint" {
  const hits = parts.filter((p) => overlaps(p, target)).sort((a, b) => a.first - b.first);
  if (hits.length === 0) return "disjoint";
  let next = target.first;
  for (const hit of hits) {
    if (hit.first > next) return "partial";
    next = Math.max(next, hit.last + 1);
    if (next > target.last) return "covers";
  }
  return "partial";
}

export function rangeText(range: Ipv4Range): string {
  const size = range.last - range.first + 1;
  const length = 32 - Math.log2(size);
  const aligned = Number.isInteger(length) && range.first % size === 0;
  return aligned ? `${formatIpv4(range.first)}/${length}` : `${formatIpv4(range.first)}-${formatIpv4(range.last)}`;
}
