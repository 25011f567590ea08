/**
 * Normalized NSG security rules, built from plain ARM JSON or @azure/arm-network `NetworkSecurityGroup` objects
 * (structurally typed here so the evaluator stays free of SDK imports).
 */

export type NsgDirection = "Inbound" | "Outbound";
export type NsgAccess = "Allow" | "Deny";
export type NsgProtocol = "Tcp" | "Udp" | "Icmp" | "Esp" | "Ah" | "*";

export interface NsgRule {
  name: string;
  nsgId: string;
  priority: number;
  direction: NsgDirection;
  access: NsgAccess;
  protocol: NsgProtocol;
  /** CIDRs, service tags or "*" ("Any" is rewritten to "*"). */
  sourcePrefixes: string[];
  /** "*", "443" or "8000-8999". */
  sourcePorts: string[];
  destinationPrefixes: string[];
  destinationPorts: string[];
  sourceAsgIds: string[];
  destinationAsgIds: string[];
  isDefault: boolean;
}

export interface NormalizedNsg {
  id: string;
  /** Custom and default rules of both directions, lowest priority number first. */
  rules: NsgRule[];
}

/** The fields of an @azure/arm-network `SecurityRule`; ARM JSON nests them under `properties`, which is accepted too. */
export interface SecurityRuleFields {
  priority?: number;
  direction?: string;
  access?: string;
  protocol?: string;
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  sourcePortRange?: string;
  sourcePortRanges?: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
  sourceApplicationSecurityGroups?: Array<{ id?: string }>;
  destinationApplicationSecurityGroups?: Array<{ id?: string }>;
}

export interface SecurityRuleInput extends SecurityRuleFields {
  name?: string;
  properties?: SecurityRuleFields;
}

export interface NsgInputFields {
  securityRules?: SecurityRuleInput[];
  defaultSecurityRules?: SecurityRuleInput[];
}

export interface NetworkSecurityGroupInput extends NsgInputFields {
  id?: string;
  name?: string;
  properties?: NsgInputFields;
}

export class NsgRuleError extends Error {}

type DefaultRuleSpec = [name: string, priority: number, direction: NsgDirection, access: NsgAccess, source: string, destination: string];

/** Azure's six default rules; they cannot be removed or changed, only overridden by lower priority numbers. */
const AZURE_DEFAULT_RULES: DefaultRuleSpec[] = [
  ["AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"],
  ["AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"],
  ["DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"],
  ["AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"],
  ["AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"],
  ["DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"],
];

export function azureDefaultRules(nsgId: string): NsgRule[] {
  return AZURE_DEFAULT_RULES.map(([name, priority, direction, access, source, destination]) => ({
    name,
    nsgId,
    priority,
    direction,
    access,
    protocol: "*",
    sourcePrefixes: [source],
    sourcePorts: ["*"],
    destinationPrefixes: [destination],
    destinationPorts: ["*"],
    sourceAsgIds: [],
    destinationAsgIds: [],
    isDefault: true,
  }));
}

export function normalizeNsg(nsg: NetworkSecurityGroupInput): NormalizedNsg {
  const id = nsg.id ?? nsg.name ?? "(unnamed NSG)";
  const custom = nsg.securityRules ?? nsg.properties?.securityRules ?? [];
  const given = nsg.defaultSecurityRules ?? nsg.properties?.defaultSecurityRules ?? [];
  const rules = custom.map((r) => normalizeRule(r, id, false));
  const defaults = given.map((r) => normalizeRule(r, id, true));
  const present = new Set(defaults.map((r) => r.name.toLowerCase()));
  defaults.push(...azureDefaultRules(id).filter((r) => !present.has(r.name.toLowerCase())));
  return { id, rules: sortRules([...rules, ...defaults]) };
}

/** Accepts either an already normalized NSG or a raw one. */
export function asNormalizedNsg(nsg: NormalizedNsg | NetworkSecurityGroupInput): NormalizedNsg {
  return "rules" in nsg && Array.isArray(nsg.rules) ? nsg : normalizeNsg(nsg);
}

export function sortRules(rules: NsgRule[]): NsgRule[] {
  return [...rules].sort((a, b) => a.priority - b.priority || Number(a.isDefault) - Number(b.isDefault) || a.name.localeCompare(b.name));
}

export function normalizeRule(input: SecurityRuleInput, nsgId: string, isDefault: boolean): NsgRule {
  const f: SecurityRuleFields = { ...input, ...input.properties };
  const name = input.name ?? "(unnamed rule)";
  const where = `rule '${name}' of NSG ${nsgId}`;
  if (typeof f.priority !== "number" || !Number.isFinite(f.priority)) throw new NsgRuleError(`${where} has no numeric priority`);
  const sourceAsgIds = asgIds(f.sourceApplicationSecurityGroups);
  const destinationAsgIds = asgIds(f.destinationApplicationSecurityGroups);
  const sourcePorts = ports(f.sourcePortRange, f.sourcePortRanges);
  const destinationPorts = ports(f.destinationPortRange, f.destinationPortRanges);
  for (const spec of [...sourcePorts, ...destinationPorts]) parsePortSpec(spec, where);
  return {
    name,
    nsgId,
    priority: f.priority,
    isDefault,
    direction: oneOf(f.direction, ["Inbound", "Outbound"] as const, `${where}: direction`),
    access: oneOf(f.access, ["Allow", "Deny"] as const, `${where}: access`),
    protocol: protocol(f.protocol, where),
    sourcePrefixes: prefixes(f.sourceAddressPrefix, f.sourceAddressPrefixes, sourceAsgIds),
    destinationPrefixes: prefixes(f.destinationAddressPrefix, f.destinationAddressPrefixes, destinationAsgIds),
    sourcePorts,
    destinationPorts,
    sourceAsgIds,
    destinationAsgIds,
  };
}

export interface PortRange {
  first: number;
  last: number;
}

/** "*" is 0-65535; "443"; "8000-8999". Throws on anything else. */
export function parsePortSpec(spec: string, where = "port range"): PortRange {
  if (spec === "*") return { first: 0, last: 65535 };
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(spec);
  const first = Number(match?.[1]);
  const last = match?.[2] === undefined ? first : Number(match[2]);
  if (!match || first > last || last > 65535) throw new NsgRuleError(`${where}: '${spec}' is not a port, a port range or '*'`);
  return { first, last };
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T {
  const found = allowed.find((a) => a.toLowerCase() === (value ?? "").toLowerCase());
  if (!found) throw new NsgRuleError(`${what} '${value ?? ""}' is not one of ${allowed.join(", ")}`);
  return found;
}

function protocol(value: string | undefined, where: string): NsgProtocol {
  if (value === undefined || value.toLowerCase() === "any") return "*";
  return oneOf(value, ["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"] as const, `${where}: protocol`);
}

function anyToStar(value: string): string {
  return value.toLowerCase() === "any" ? "*" : value;
}

/** ARM puts the plural list in use when there is more than one value; both forms are merged, duplicates dropped. */
function merge(single: string | undefined, plural: string[] | undefined): string[] {
  const values = [single ?? "", ...(plural ?? [])]
    .flatMap((v) => v.split(","))
    .map((v) => anyToStar(v.trim()))
    .filter((v) => v !== "");
  return [...new Set(values)];
}

// ARM refuses a rule side with neither a prefix nor an ASG; "*" (the portal's default) is assumed for hand-built data.
function prefixes(single: string | undefined, plural: string[] | undefined, asgs: string[]): string[] {
  const merged = merge(single, plural);
  return merged.length === 0 && asgs.length === 0 ? ["*"] : merged;
}

function ports(single: string | undefined, plural: string[] | undefined): string[] {
  const merged = merge(single, plural);
  return merged.length === 0 ? ["*"] : merged;
}

function asgIds(groups: Array<{ id?: string }> | undefined): string[] {
  return (groups ?? []).map((g) => g.id).filter((id): id is string => typeof id === "string" && id !== "");
}
