/**
 * Service tag containment without the published IP ranges: what can be proven from tag names alone.
 *
 * Hierarchy used: "*" ⊇ Internet ⊇ AzureCloud ⊇ every Azure service tag; a global tag ⊇ its regional form
 * (Storage ⊇ Storage.westeurope) and its sub-tags (AzureFrontDoor ⊇ AzureFrontDoor.FrontEnd);
 * AzureCloud.<region> ⊇ <tag>.<region>. Distinct service tags are treated as disjoint (Azure publishes them as
 * separate prefix lists; an overlap cannot be shown without downloading them). VirtualNetwork and
 * AzureLoadBalancer are not public address space: they neither cover nor are covered by the public tags.
 */
import { contains, overlaps, parseCidr, type Ipv4Range } from "../../network/cidr";

/**
 * covers: every address of the flow side is in the rule side. partial: some are (a rule narrower than the flow).
 * disjoint: none are. unknown: cannot be decided from names (a CIDR against a public service tag).
 */
export type Coverage = "covers" | "partial" | "disjoint" | "unknown";

/**
 * Azure service tags this module knows by name (all are public Azure address space, inside AzureCloud). Any
 * other name that is not "*", Internet, AzureCloud, VirtualNetwork or AzureLoadBalancer is treated the same way.
 */
export const AZURE_SERVICE_TAGS: readonly string[] = [
  "AzureActiveDirectory",
  "AzureMachineLearning",
  "BatchNodeManagement",
  "AzureResourceManager",
  "Storage",
  "AzureFrontDoor.FrontEnd",
  "AzureFrontDoor.Backend",
  "AzureFrontDoor.FirstParty",
  "MicrosoftContainerRegistry",
  "AzureContainerRegistry",
  "AzureMonitor",
  "AzureKeyVault",
  "Sql",
  "EventHub",
  "ServiceBus",
  "AppService",
  "AzureCosmosDB",
  "GatewayManager",
  "AzureBackup",
  "DataFactory",
  "AzureDevOps",
];

/** Tags whose ".X" suffix names a sub-tag, not a region. */
const SUB_TAGS = new Set(["frontend", "backend", "firstparty"]);

/** Tags that stand for non-public or platform address space. */
export const INFRASTRUCTURE_TAGS: readonly string[] = ["VirtualNetwork", "AzureLoadBalancer"];

/** The single address behind the AzureLoadBalancer tag (health probes). */
export const AZURE_LOAD_BALANCER_ADDRESS = "168.63.129.16";

/** Address space that is never part of a public service tag. */
const NON_PUBLIC_RANGES: Ipv4Range[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16"].map((p) =>
  parseCidr(p),
);

type TagKind = "any" | "internet" | "azurecloud" | "infrastructure" | "service";

interface ParsedTag {
  kind: TagKind;
  /** Lower-case family without region or sub-tag: "storage", "azurefrontdoor". */
  family: string;
  sub?: string;
  region?: string;
}

/** "West Europe" → "westeurope". */
export function normalizeRegion(region: string): string {
  return region.replace(/\s+/g, "").toLowerCase();
}

export function isAnyPrefix(prefix: string): boolean {
  return prefix === "*" || prefix.toLowerCase() === "any";
}

/** A bare address or an IPv4 CIDR (host bits tolerated), as opposed to a service tag. */
export function tryParseAddress(prefix: string): Ipv4Range | undefined {
  if (!/^[\d./]+$/.test(prefix)) return undefined;
  try {
    return parseCidr(prefix, { allowHostBits: true });
  } catch {
    return undefined;
  }
}

export function isIpv6Prefix(prefix: string): boolean {
  return prefix.includes(":");
}

export function isServiceTag(prefix: string): boolean {
  return !isAnyPrefix(prefix) && !isIpv6Prefix(prefix) && tryParseAddress(prefix) === undefined;
}

/** "public" | "non-public" | "mixed" for an IPv4 range. */
export function addressSpaceOf(range: Ipv4Range): "public" | "non-public" | "mixed" {
  if (NON_PUBLIC_RANGES.some((r) => contains(r, range))) return "non-public";
  return NON_PUBLIC_RANGES.some((r) => overlaps(r, range)) ? "mixed" : "public";
}

export function nonPublicRanges(): Ipv4Range[] {
  return [...NON_PUBLIC_RANGES];
}

function parseTag(tag: string, region: string): ParsedTag {
  const text = tag
    .trim()
    .toLowerCase()
    .replace(/<region>|\{region\}/g, normalizeRegion(region));
  if (isAnyPrefix(text)) return { kind: "any", family: "*" };
  const [family, suffix] = splitOnce(text);
  const sub = suffix !== undefined && SUB_TAGS.has(suffix) ? suffix : undefined;
  const regional = suffix !== undefined && sub === undefined ? suffix : undefined;
  if (family === "internet") return { kind: "internet", family };
  if (family === "azurecloud") return { kind: "azurecloud", family, region: regional };
  if (INFRASTRUCTURE_TAGS.some((t) => t.toLowerCase() === family)) return { kind: "infrastructure", family };
  return { kind: "service", family, sub, region: regional };
}

function splitOnce(text: string): [string, string | undefined] {
  const dot = text.indexOf(".");
  return dot < 0 ? [text, undefined] : [text.slice(0, dot), text.slice(dot + 1)];
}

/** Whether the flow's service tag lies inside the rule's prefix (a tag, "*", or a CIDR). `region` fills "<region>". */
export function tagCovers(ruleTag: string, flowTag: string, region: string): Coverage {
  const flow = parseTag(flowTag, region);
  const address = tryParseAddress(ruleTag);
  if (address) return cidrCoversTag(address, flow);
  if (isIpv6Prefix(ruleTag)) return "disjoint";
  const rule = parseTag(ruleTag, region);
  if (rule.kind === "any") return "covers";
  if (flow.kind === "any") return "partial";
  switch (rule.kind) {
    case "internet":
      return flow.kind === "infrastructure" ? "disjoint" : "covers";
    case "azurecloud":
      return azureCloudCovers(rule, flow);
    case "infrastructure":
      return flow.kind === "infrastructure" && flow.family === rule.family ? "covers" : "disjoint";
    case "service":
      return serviceCovers(rule, flow);
  }
}

function azureCloudCovers(rule: ParsedTag, flow: ParsedTag): Coverage {
  if (flow.kind === "infrastructure") return "disjoint";
  if (flow.kind === "internet") return "partial";
  return narrower(rule.region, flow.region);
}

function serviceCovers(rule: ParsedTag, flow: ParsedTag): Coverage {
  if (flow.kind === "infrastructure") return "disjoint";
  if (flow.kind !== "service") return "partial";
  if (rule.family !== flow.family) return "disjoint";
  return worst([narrower(rule.sub, flow.sub), narrower(rule.region, flow.region)]);
}

/** A rule qualifier (region or sub-tag) against the flow's: absent covers all; equal covers; else partial/disjoint. */
function narrower(rule: string | undefined, flow: string | undefined): Coverage {
  if (rule === undefined || rule === flow) return "covers";
  return flow === undefined ? "partial" : "disjoint";
}

function worst(parts: Coverage[]): Coverage {
  for (const c of ["disjoint", "unknown", "partial"] as const) if (parts.includes(c)) return c;
  return "covers";
}

function cidrCoversTag(range: Ipv4Range, flow: ParsedTag): Coverage {
  if (range.first === 0 && range.last === 2 ** 32 - 1) return "covers";
  if (flow.kind === "any") return "partial";
  if (flow.kind === "infrastructure") {
    if (flow.family !== "azureloadbalancer") return "unknown";
    return contains(range, parseCidr(AZURE_LOAD_BALANCER_ADDRESS)) ? "covers" : "disjoint";
  }
  return addressSpaceOf(range) === "non-public" ? "disjoint" : "unknown";
}
