import { parseCidr, parseIpv4 } from "../../network/cidr";
import { DnsLookupError, type DnsFailure, type Resolver4 } from "./resolver";
import { directConnect, probeTcp, type ConnectTo, type TcpResult } from "./tcp";
import { normalizeFqdn } from "./zones";

export { probeFindings, type ProbeFindingContext, type ProbeFindings } from "./probe-findings";

/** One name the agent must reach through a private endpoint, with the IP the endpoint's NIC holds for it. */
export interface ProbeTarget {
  fqdn: string;
  expectedIp: string;
  /** ARM ID of the private endpoint. */
  resourceId: string;
  endpointName: string;
  /** Set when `fqdn` is a concrete name standing for a wildcard the endpoint lists (`*.westeurope.inference.ml.azure.com`). */
  underWildcard?: string;
  /** The record that answers `fqdn` when it is not the name's own (the wildcard record `*.<guid>.inference.<region>`). */
  record?: { zone: string; name: string };
}

export interface ProbeOptions {
  resolver: Resolver4;
  /** Per DNS lookup and per TCP connection. */
  timeoutMs: number;
  /** TCP port to try; 443 unless told. */
  port?: number;
  connectTo?: ConnectTo;
  /** Targets probed at once; 8 unless told. */
  concurrency?: number;
}

/**
 * What the name resolved to: `match` only the expected IP, `mixed` the expected IP and others, `public` or
 * `other-private` not the expected IP at all (the agent bypasses the endpoint), or why it did not resolve.
 */
export type DnsStatus = "match" | "mixed" | "public" | "other-private" | DnsFailure;

export interface EndpointProbeResult {
  /** The target, its FQDN lower-cased without a trailing dot. */
  target: ProbeTarget;
  /** Which resolver answered, for messages. */
  resolver: string;
  resolved: string[];
  dns: DnsStatus;
  dnsMs: number;
  /** The system code when the lookup failed (ENOTFOUND, ETIMEOUT, …). */
  dnsCode?: string;
  /** TCP to the expected IP when it was among the answers, else to the first answer; absent when nothing resolved. */
  tcp?: TcpResult & { ip: string; port: number };
}

export const DEFAULT_PROBE_PORT = 443;
export const DEFAULT_PROBE_CONCURRENCY = 8;

/** Resolves each target through `options.resolver` and tries TCP to the answer. Results keep the targets' order; duplicate FQDNs are probed once. */
export async function probeEndpoints(targets: ProbeTarget[], options: ProbeOptions): Promise<EndpointProbeResult[]> {
  const seen = new Set<string>();
  const unique: ProbeTarget[] = [];
  for (const target of targets) {
    const fqdn = normalizeFqdn(target.fqdn);
    if (seen.has(fqdn)) continue;
    seen.add(fqdn);
    unique.push({ ...target, fqdn });
  }
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_PROBE_CONCURRENCY);
  return mapLimit(unique, concurrency, (target) => probeOne(target, options));
}

async function probeOne(target: ProbeTarget, options: ProbeOptions): Promise<EndpointProbeResult> {
  const started = performance.now();
  let resolved: string[] = [];
  let dns: DnsStatus;
  let dnsCode: string | undefined;
  try {
    resolved = [...new Set(await options.resolver.resolve4(target.fqdn))];
    dns = classifyAnswer(resolved, target.expectedIp);
  } catch (error) {
    if (!(error instanceof DnsLookupError)) throw error;
    dns = error.failure;
    dnsCode = error.code;
  }
  const result: EndpointProbeResult = { target, resolver: options.resolver.description, resolved, dns, dnsMs: Math.round(performance.now() - started) };
  if (dnsCode) result.dnsCode = dnsCode;
  if (resolved.length > 0) {
    const ip = resolved.includes(target.expectedIp) ? target.expectedIp : resolved[0];
    const port = options.port ?? DEFAULT_PROBE_PORT;
    const tcp = await probeTcp(ip, port, options.timeoutMs, options.connectTo ?? directConnect);
    result.tcp = { ...tcp, ip, port };
  }
  return result;
}

function classifyAnswer(resolved: string[], expectedIp: string): DnsStatus {
  if (resolved.length === 0) return "no-data";
  if (resolved.every((ip) => ip === expectedIp)) return "match";
  if (resolved.includes(expectedIp)) return "mixed";
  return resolved.every(isPrivateIpv4) ? "other-private" : "public";
}

/** Address ranges a VNet commonly uses privately (RFC 1918, shared 100.64/10) plus loopback and link-local. */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16"].map((text) => parseCidr(text));

export function isPrivateIpv4(ip: string): boolean {
  let value: number;
  try {
    value = parseIpv4(ip);
  } catch {
    return false;
  }
  return PRIVATE_RANGES.some((range) => value >= range.first && value <= range.last);
}

async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
