import dns from "node:dns";
import net from "node:net";

/**
 * How the probe turns a name into IPv4 addresses. Two real alternatives: the system resolver (what the agent's
 * tools see) and one DNS server named with `--dns-server IP[:PORT]`; tests pass their own.
 */
export interface Resolver4 {
  /** Resolves A records; rejects with a {@link DnsLookupError}. */
  resolve4(name: string): Promise<string[]>;
  /** For messages: "the system resolver" or "DNS server 10.0.0.4:53". */
  readonly description: string;
}

/** Why a name did not resolve, in the words the findings use. */
export type DnsFailure = "nxdomain" | "no-data" | "timeout" | "servfail" | "refused" | "error";

export class DnsLookupError extends Error {
  constructor(
    readonly failure: DnsFailure,
    readonly fqdn: string,
    readonly code: string,
    via: string,
  ) {
    super(`${fqdn}: ${describeDnsFailure(failure, code)} (${via})`);
    this.name = "DnsLookupError";
  }
}

export class InvalidDnsServerError extends Error {
  constructor(value: string, reason: string) {
    super(`--dns-server '${value}' ${reason}: expected IP[:PORT], e.g. 10.0.0.4, 10.0.0.4:53 or [fd00::4]:53`);
    this.name = "InvalidDnsServerError";
  }
}

export interface DnsServer {
  host: string;
  port: number;
  /** The form `Resolver#setServers` takes: "10.0.0.4:53" or "[fd00::4]:53". */
  address: string;
}

export const DEFAULT_DNS_TIMEOUT_MS = 3000;

/** Parses the `--dns-server` value: an IPv4 or IPv6 address, with an optional port (IPv6 with a port in brackets). */
export function parseDnsServer(value: string): DnsServer {
  const text = value.trim();
  if (text === "") throw new InvalidDnsServerError(value, "is empty");
  let host = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if (text.split(":").length === 2) {
    [host, portText] = text.split(":");
  }
  const family = net.isIP(host);
  if (family === 0) throw new InvalidDnsServerError(value, `has no valid IP address ('${host}')`);
  if (bracketed && family !== 6) throw new InvalidDnsServerError(value, "puts an IPv4 address in brackets");
  let port = 53;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) throw new InvalidDnsServerError(value, `has an invalid port ('${portText}')`);
  }
  return { host, port, address: family === 6 ? `[${host}]:${port}` : `${host}:${port}` };
}

/** The resolver the agent's tools use: getaddrinfo, honouring /etc/hosts and nsswitch. */
export function systemResolver(timeoutMs: number = DEFAULT_DNS_TIMEOUT_MS): Resolver4 {
  const description = "the system resolver";
  return {
    description,
    async resolve4(name: string): Promise<string[]> {
      // getaddrinfo cannot be cancelled; the timer only stops waiting for it.
      const lookup = dns.promises.lookup(name, { all: true, family: 4 }).then((entries) => entries.map((entry) => entry.address));
      return withTimeout(lookup, timeoutMs, name, description, () => undefined);
    },
  };
}

/** Queries one DNS server directly (no /etc/hosts, no search domains), with a timeout per lookup. */
export function dnsServerResolver(server: DnsServer | string, timeoutMs: number = DEFAULT_DNS_TIMEOUT_MS): Resolver4 {
  const parsed = typeof server === "string" ? parseDnsServer(server) : server;
  const description = `DNS server ${parsed.address}`;
  return {
    description,
    async resolve4(name: string): Promise<string[]> {
      const resolver = new dns.promises.Resolver({ timeout: timeoutMs, tries: 1 });
      resolver.setServers([parsed.address]);
      return withTimeout(resolver.resolve4(name), timeoutMs, name, description, () => resolver.cancel());
    },
  };
}

/** Maps c-ares and getaddrinfo error codes to the failure words findings use. */
export function classifyDnsError(code: string | undefined): DnsFailure {
  switch (code) {
    case "ENOTFOUND":
      return "nxdomain";
    case "ENODATA":
      return "no-data";
    case "ETIMEOUT":
    case "EAI_AGAIN":
    case "ECANCELLED":
      return "timeout";
    case "ESERVFAIL":
      return "servfail";
    case "EREFUSED":
    case "ECONNREFUSED":
      return "refused";
    default:
      return "error";
  }
}

export function describeDnsFailure(failure: DnsFailure, code: string): string {
  switch (failure) {
    case "nxdomain":
      return "no such name (NXDOMAIN)";
    case "no-data":
      return "the name exists but has no A record";
    case "timeout":
      return "no answer in time";
    case "servfail":
      return "the server failed (SERVFAIL)";
    case "refused":
      return "the server refused the query or is not listening";
    case "error":
      return `lookup failed (${code})`;
  }
}

async function withTimeout(work: Promise<string[]>, timeoutMs: number, name: string, via: string, cancel: () => void): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cancel();
      reject(new DnsLookupError("timeout", name, "ETIMEOUT", via));
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      work.catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code ?? "EUNKNOWN";
        throw new DnsLookupError(classifyDnsError(code), name, code, via);
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
