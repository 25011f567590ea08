/** Whether one Azure Firewall rule matches a flow from a source subnet (pure; see evaluate-firewall.ts for the order). */
import type { ApplicationRule, NetworkRule } from "@azure/arm-network";
import { Ipv4Range, overlaps, parseCidr, parseIpv4 } from "../../network/cidr";
import { tagCovers, tryParseAddress } from "../nsg/service-tags";
import type { FirewallFlow } from "./firewall-flows";

export interface MatchInput {
  flow: FirewallFlow;
  region: string;
  /** Whether the policy's DNS proxy is on (network rules with FQDNs only work then). */
  dnsProxy: boolean;
}

/**
 * "full": the rule matches all of the flow's traffic; "some": part of it (a narrower source or destination); "none".
 * An Allow counts only when full (otherwise some nodes stay blocked); a Deny counts when it matches any part.
 */
export type Match = "full" | "some" | "none";

function worst(a: Match, b: Match): Match {
  return a === "none" || b === "none" ? "none" : a === "some" || b === "some" ? "some" : "full";
}

function parseSource(text: string): Ipv4Range | undefined {
  const range = /^([\d.]+)-([\d.]+)$/.exec(text);
  if (range) {
    try {
      return { first: parseIpv4(range[1]), last: parseIpv4(range[2]) };
    } catch {
      return undefined;
    }
  }
  return tryParseAddress(text);
}

/** A rule's sources, parsed once: "any", or ranges plus whether IP groups (which cannot be read here) are used. */
export interface RuleSources {
  any: boolean;
  ranges: Ipv4Range[];
  ipGroups: boolean;
}

export function parseRuleSources(addresses: string[] | undefined, ipGroups: string[] | undefined): RuleSources {
  const list = addresses ?? [];
  return { any: list.includes("*"), ranges: list.map(parseSource).filter((r): r is Ipv4Range => !!r), ipGroups: (ipGroups ?? []).length > 0 };
}

/** Source coverage; IP groups count as matching some (never as allowing the whole subnet). */
export function sourceMatch(rule: RuleSources, sources: Ipv4Range[]): Match {
  if (rule.any) return "full";
  const covered = sources.length > 0 && sources.every((s) => rule.ranges.some((r) => r.first <= s.first && r.last >= s.last));
  if (covered) return "full";
  if (rule.ipGroups || rule.ranges.some((r) => sources.some((s) => overlaps(r, s)))) return "some";
  return "none";
}

export function portMatch(ports: string[] | undefined, port: number): boolean {
  return (ports ?? []).some((p) => {
    if (p === "*") return true;
    const [low, high] = p.split("-").map(Number);
    return high === undefined ? low === port : port >= low && port <= high;
  });
}

function protocolMatch(protocols: string[] | undefined, protocol: "TCP" | "UDP"): boolean {
  return (protocols ?? []).some((p) => p.toUpperCase() === protocol || p.toLowerCase() === "any");
}

/** Whether a rule's host pattern covers the flow's host (`*.x` stands for every name under x). */
export function fqdnCovers(rule: string, flowFqdn: string): Match {
  const r = rule.toLowerCase().replace(/\.$/, "");
  const f = flowFqdn.toLowerCase();
  if (r === "*" || r === f) return "full";
  if (r.startsWith("*.")) {
    const suffix = r.slice(1);
    const wildcardFlow = f.startsWith("*.");
    if ((wildcardFlow ? f.slice(1) : f).endsWith(suffix)) return "full";
    return wildcardFlow && suffix.endsWith(f.slice(1)) ? "some" : "none";
  }
  if (f.startsWith("*.") && r.endsWith(f.slice(1))) return "some";
  return "none";
}

/** A flow to one address: a rule's address, range or CIDR containing it, or "*"; service tags hold no private address. */
function addressMatch(rule: NetworkRule, ip: string): Match {
  const address = parseIpv4(ip);
  for (const entry of rule.destinationAddresses ?? []) {
    if (entry === "*") return "full";
    const range = parseSource(entry);
    if (range && range.first <= address && address <= range.last) return "full";
  }
  return (rule.destinationIpGroups ?? []).length > 0 ? "some" : "none";
}

function destinationMatch(rule: NetworkRule, input: MatchInput): Match {
  if (input.flow.ip) return addressMatch(rule, input.flow.ip);
  let best: Match = "none";
  for (const address of rule.destinationAddresses ?? []) {
    const coverage = address === "*" ? "covers" : tagCovers(address, input.flow.tag, input.region);
    if (coverage === "covers") return "full";
    if (coverage === "partial") best = "some";
  }
  if (input.dnsProxy && !input.flow.fqdn.startsWith("*.") && (rule.destinationFqdns ?? []).some((f) => f.toLowerCase() === input.flow.fqdn.toLowerCase()))
    return "full";
  if ((rule.destinationIpGroups ?? []).length > 0 && best === "none") best = "some";
  return best;
}

/** How much of the flow's destination, protocol and port a network rule matches (the source is matched apart). */
export function networkTargetMatch(rule: NetworkRule, input: MatchInput): Match {
  if (!protocolMatch(rule.ipProtocols, input.flow.protocol) || !portMatch(rule.destinationPorts, input.flow.port)) return "none";
  return destinationMatch(rule, input);
}

/** Application rules see HTTP/HTTPS over TCP only; web categories and FQDN tags are not judged here (see the caller). */
export function applicationTargetMatch(rule: ApplicationRule, input: MatchInput): Match {
  // Traffic to a bare private address carries no host name an application rule could be judged on.
  if (input.flow.protocol !== "TCP" || input.flow.ip) return "none";
  const protocols = rule.protocols ?? [];
  if (
    !protocols.some(
      (p) =>
        ["http", "https"].includes(String(p.protocolType).toLowerCase()) &&
        (p.port ?? (String(p.protocolType).toLowerCase() === "https" ? 443 : 80)) === input.flow.port,
    )
  )
    return "none";
  let best: Match = "none";
  for (const target of rule.targetFqdns ?? []) {
    const m = fqdnCovers(target, input.flow.fqdn);
    if (m === "full") {
      best = "full";
      break;
    }
    if (m === "some") best = "some";
  }
  return best;
}

export function combine(a: Match, b: Match): Match {
  return worst(a, b);
}

export function subnetRanges(prefixes: string[]): Ipv4Range[] {
  return prefixes.flatMap((p) => {
    try {
      return [parseCidr(p)];
    } catch {
      return [];
    }
  });
}
