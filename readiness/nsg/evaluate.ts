/**
 * Azure NSG evaluation of one flow between the compute subnet (local side) and a peer (remote side).
 *
 * Each NSG: rules by priority, first match wins. Inbound: subnet NSG, then NIC NSG; outbound: NIC NSG, then subnet
 * NSG; both must allow, a missing NSG allows all. The flow is split into elementary flows (TCP and UDP for "Any";
 * local and remote address ranges cut at every rule CIDR boundary) so a rule covering part of the subnet decides
 * exactly the part it covers; the flow is allowed only when every part is.
 */
import { parseCidr, type Ipv4Range } from "../../network/cidr";
import { asNormalizedNsg, NsgRuleError, type NetworkSecurityGroupInput, type NormalizedNsg, type NsgAccess, type NsgRule } from "./nsg-rule";
import { rangeText, ruleCoverage, type ElementaryFlow, type MatchContext, type NsgFlow } from "./rule-match";
import { AZURE_LOAD_BALANCER_ADDRESS, isIpv6Prefix, nonPublicRanges, tryParseAddress } from "./service-tags";

export type { FlowProtocol, NsgFlow } from "./rule-match";

export type NsgLevel = "subnet" | "nic";
export type NsgSource = NormalizedNsg | NetworkSecurityGroupInput;

export interface EvaluateOptions {
  subnetNsg?: NsgSource;
  nicNsg?: NsgSource;
  /** The compute subnet's prefixes: the flow's source when outbound, its destination when inbound. */
  localPrefixes: string[];
  /**
   * What the VirtualNetwork tag stands for: the VNet's address space, peered VNets, on-premises (gateway) prefixes
   * and the prefixes of user-defined routes on the subnet (0.0.0.0/0 to a firewall makes it cover everything).
   */
  vnetPrefixes: string[];
  region: string;
}

export interface DecidingRule {
  nsgId: string;
  level: NsgLevel;
  ruleName: string;
  access: NsgAccess;
  priority: number;
  isDefault: boolean;
}

export interface BlockingRule {
  nsgId: string;
  level: NsgLevel;
  ruleName: string;
  priority: number;
  /** Set when only part of the flow is blocked: the protocol of an "Any" flow, the local or remote addresses. */
  protocol?: "Tcp" | "Udp" | "Icmp";
  localRange?: string;
  remoteRange?: string;
}

export interface FlowVerdict {
  allowed: boolean;
  /** The rule that decided in each NSG that was consulted, in evaluation order. */
  decidedBy: DecidingRule[];
  blockedBy?: BlockingRule;
  /** Set when a rule that cannot be evaluated from the input (see rule-match.ts) might reverse `allowed`. */
  uncertain?: string;
}

/** Azure's DNS/DHCP/health-probe address and the instance metadata endpoint: no NSG rule applies to them. */
export const UNFILTERED_ADDRESSES = ["168.63.129.16", "169.254.169.254"];

interface Layer {
  nsg: NormalizedNsg;
  level: NsgLevel;
}

interface LayerResult {
  decided: NsgRule;
  /** The first earlier rule that might have matched with the opposite access. */
  maybe?: { rule: NsgRule; why: string };
}

export function evaluateFlow(flow: NsgFlow, options: EvaluateOptions): FlowVerdict {
  if (!Number.isInteger(flow.port) || flow.port < 0 || flow.port > 65535) throw new NsgRuleError(`flow port ${flow.port} is not a port number`);
  if ("cidr" in flow.remote && UNFILTERED_ADDRESSES.includes(flow.remote.cidr.replace(/\/32$/, ""))) return { allowed: true, decidedBy: [] };
  const layers = orderedLayers(flow, options);
  const ctx: MatchContext = { vnetRanges: ipv4Ranges(options.vnetPrefixes), region: options.region };
  const pieces = elementaryFlows(flow, layers, ipv4Ranges(options.localPrefixes), ctx);
  const results: PieceResult[] = pieces.map((piece) => ({ piece, verdict: evaluateElementary(piece, layers, ctx) }));
  const denied = results.filter((r) => !r.verdict.allowed);
  if (denied.length === 0) {
    return withUncertainty(
      { allowed: true, decidedBy: uniqueRules(results.flatMap((r) => r.verdict.decidedBy)) },
      results.find((r) => r.verdict.uncertain)?.verdict.uncertain,
    );
  }
  return blockedVerdict(denied, pieces);
}

type PieceResult = { piece: ElementaryFlow; verdict: FlowVerdict };

function blockedVerdict(denied: PieceResult[], pieces: ElementaryFlow[]): FlowVerdict {
  // A certain block outweighs an uncertain one; a custom rule says more to a reader than DenyAll.
  const rank = (r: PieceResult): number => (r.verdict.uncertain ? 2 : 0) + (r.verdict.decidedBy.at(-1)?.isDefault ? 1 : 0);
  const chosen = [...denied].sort((a, b) => rank(a) - rank(b))[0];
  const blocker = chosen.verdict.decidedBy[chosen.verdict.decidedBy.length - 1];
  const split = (key: (p: ElementaryFlow) => string): boolean => new Set(pieces.map(key)).size > 1;
  const blockedBy: BlockingRule = { nsgId: blocker.nsgId, level: blocker.level, ruleName: blocker.ruleName, priority: blocker.priority };
  if (split((p) => p.protocol)) blockedBy.protocol = chosen.piece.protocol;
  if (chosen.piece.local && split((p) => (p.local ? rangeText(p.local) : ""))) blockedBy.localRange = rangeText(chosen.piece.local);
  if (chosen.piece.remote.kind === "range" && split(remoteKey)) blockedBy.remoteRange = rangeText(chosen.piece.remote.range);
  return withUncertainty({ allowed: false, decidedBy: chosen.verdict.decidedBy, blockedBy }, chosen.verdict.uncertain);
}

function withUncertainty(verdict: FlowVerdict, uncertain: string | undefined): FlowVerdict {
  return uncertain === undefined ? verdict : { ...verdict, uncertain };
}

function orderedLayers(flow: NsgFlow, options: EvaluateOptions): Layer[] {
  const subnet = options.subnetNsg && { nsg: asNormalizedNsg(options.subnetNsg), level: "subnet" as const };
  const nic = options.nicNsg && { nsg: asNormalizedNsg(options.nicNsg), level: "nic" as const };
  const ordered = flow.direction === "Inbound" ? [subnet, nic] : [nic, subnet];
  return ordered.filter((l): l is Layer => l !== undefined);
}

function evaluateElementary(piece: ElementaryFlow, layers: Layer[], ctx: MatchContext): FlowVerdict {
  const remote = piece.remote;
  if (remote.kind === "range" && UNFILTERED_ADDRESSES.some((a) => sameRange(parseCidr(a), remote.range))) return { allowed: true, decidedBy: [] };
  const decidedBy: DecidingRule[] = [];
  let uncertain: string | undefined;
  for (const layer of layers) {
    const result = evaluateLayer(layer.nsg, piece, ctx);
    decidedBy.push(decidingRule(result.decided, layer.level));
    if (result.decided.access === "Deny") return { allowed: false, decidedBy, uncertain: result.maybe && describeMaybe(result.maybe, "allow") };
    uncertain ??= result.maybe && describeMaybe(result.maybe, "deny");
  }
  return { allowed: true, decidedBy, uncertain };
}

function evaluateLayer(nsg: NormalizedNsg, piece: ElementaryFlow, ctx: MatchContext): LayerResult {
  const maybes: Array<{ rule: NsgRule; why: string }> = [];
  for (const rule of nsg.rules) {
    const { coverage, why } = ruleCoverage(rule, piece, ctx);
    // Partial coverage (e.g. a regional tag against a global one) blocks part of the flow, so it decides a Deny only.
    if (coverage === "covers" || (coverage === "partial" && rule.access === "Deny")) {
      return { decided: rule, maybe: maybes.find((m) => m.rule.access !== rule.access) };
    }
    if (coverage === "unknown") maybes.push({ rule, why: why ?? "it cannot be evaluated from the input" });
  }
  throw new NsgRuleError(`NSG ${nsg.id} has no rule matching this ${piece.direction} flow: its DenyAll default rule is missing or altered`);
}

function describeMaybe(maybe: { rule: NsgRule; why: string }, effect: "allow" | "deny"): string {
  const { rule } = maybe;
  return `rule '${rule.name}' (priority ${rule.priority}) of NSG ${rule.nsgId} might ${effect} this flow: ${maybe.why}; the verdict assumes it does not apply`;
}

function decidingRule(rule: NsgRule, level: NsgLevel): DecidingRule {
  return { nsgId: rule.nsgId, level, ruleName: rule.name, access: rule.access, priority: rule.priority, isDefault: rule.isDefault };
}

function uniqueRules(rules: DecidingRule[]): DecidingRule[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = `${r.nsgId}\n${r.ruleName}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function elementaryFlows(flow: NsgFlow, layers: Layer[], local: Ipv4Range[], ctx: MatchContext): ElementaryFlow[] {
  const cuts = layers.map((l) => ruleCuts(l.nsg, flow.direction));
  const localCuts = cuts.flatMap((c) => c.local);
  const remoteCuts = [...cuts.flatMap((c) => c.remote), ...ctx.vnetRanges, ...FIXED_REMOTE_CUTS];
  const protocols = flow.protocol === "Any" ? (["Tcp", "Udp"] as const) : [flow.protocol];
  const locals: Array<Ipv4Range | undefined> = local.length === 0 ? [undefined] : local.flatMap((l) => cut(l, localCuts));
  const remotes = remoteTargets(flow, ctx).flatMap((r): ElementaryFlow["remote"][] =>
    r.kind === "tag" ? [r] : cut(r.range, remoteCuts).map((range) => ({ kind: "range", range })),
  );
  const localAsgIds = flow.localAsgIds ?? [];
  return protocols.flatMap((protocol) =>
    locals.flatMap((l) => remotes.map((remote) => ({ direction: flow.direction, protocol, port: flow.port, remote, local: l, localAsgIds }))),
  );
}

const FIXED_REMOTE_CUTS: Ipv4Range[] = [...nonPublicRanges(), ...[AZURE_LOAD_BALANCER_ADDRESS, ...UNFILTERED_ADDRESSES].map((a) => parseCidr(a))];

/** The address boundaries of an NSG's rules in one direction, parsed once per normalized NSG. */
const CUTS = new WeakMap<NormalizedNsg, Record<string, { local: Ipv4Range[]; remote: Ipv4Range[] }>>();

function ruleCuts(nsg: NormalizedNsg, direction: NsgFlow["direction"]): { local: Ipv4Range[]; remote: Ipv4Range[] } {
  let byDirection = CUTS.get(nsg);
  if (!byDirection) CUTS.set(nsg, (byDirection = {}));
  let cuts = byDirection[direction];
  if (!cuts) {
    const rules = nsg.rules.filter((r) => r.direction === direction);
    const outbound = direction === "Outbound";
    cuts = {
      local: ruleRanges(rules.flatMap((r) => (outbound ? r.sourcePrefixes : r.destinationPrefixes))),
      remote: ruleRanges(rules.flatMap((r) => (outbound ? r.destinationPrefixes : r.sourcePrefixes))),
    };
    byDirection[direction] = cuts;
  }
  return cuts;
}

// VirtualNetwork as a remote tag stands for the known VNet prefixes, so rules naming CIDRs can be compared with it.
function remoteTargets(flow: NsgFlow, ctx: MatchContext): ElementaryFlow["remote"][] {
  if ("cidr" in flow.remote) return [{ kind: "range", range: parseCidr(flow.remote.cidr, { allowHostBits: true }) }];
  if (flow.remote.tag.toLowerCase() === "virtualnetwork" && ctx.vnetRanges.length > 0) return ctx.vnetRanges.map((range) => ({ kind: "range", range }));
  return [{ kind: "tag", tag: flow.remote.tag }];
}

function remoteKey(piece: ElementaryFlow): string {
  return piece.remote.kind === "range" ? rangeText(piece.remote.range) : piece.remote.tag;
}

function ruleRanges(prefixes: string[]): Ipv4Range[] {
  return prefixes.map(tryParseAddress).filter((r): r is Ipv4Range => r !== undefined);
}

/** Parsed once per prefix list: callers judging many flows pass the same VirtualNetwork prefixes each time. */
const PARSED = new WeakMap<string[], Ipv4Range[]>();

function ipv4Ranges(prefixes: string[]): Ipv4Range[] {
  let ranges = PARSED.get(prefixes);
  if (!ranges) {
    ranges = prefixes.filter((p) => !isIpv6Prefix(p)).map((p) => parseCidr(p, { allowHostBits: true }));
    PARSED.set(prefixes, ranges);
  }
  return ranges;
}

/** Cuts `target` at every boundary of `cuts` that falls inside it. */
function cut(target: Ipv4Range, cuts: Ipv4Range[]): Ipv4Range[] {
  const points = new Set<number>();
  for (const c of cuts) {
    if (c.first > target.first && c.first <= target.last) points.add(c.first);
    if (c.last >= target.first && c.last < target.last) points.add(c.last + 1);
  }
  const starts = [target.first, ...[...points].sort((a, b) => a - b)];
  return starts.map((first, i) => ({ first, last: i + 1 < starts.length ? starts[i + 1] - 1 : target.last }));
}

function sameRange(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.first === b.first && a.last === b.last;
}
