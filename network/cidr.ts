/** IPv4 CIDR arithmetic shared by the sandbox, the readiness engine and the provisioner. */

export interface Ipv4Range {
  /** First address, as an unsigned 32-bit integer. */
  first: number;
  /** Last address, inclusive. */
  last: number;
}

export class CidrError extends Error {}

export function parseIpv4(text: string): number {
  const parts = text.trim().split(".");
  if (parts.length !== 4) throw new CidrError(`'${text}' is not an IPv4 address`);
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) throw new CidrError(`'${text}' is not an IPv4 address`);
    value = value * 256 + Number(part);
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export interface Cidr extends Ipv4Range {
  prefixLength: number;
  text: string;
}

/** Parses `a.b.c.d/n` (a bare address is /32). Host bits must be zero, as Azure requires for address prefixes. */
export function parseCidr(text: string, options: { allowHostBits?: boolean } = {}): Cidr {
  const [address, lengthText, extra] = text.trim().split("/");
  if (extra !== undefined) throw new CidrError(`'${text}' is not a CIDR prefix`);
  const prefixLength = lengthText === undefined ? 32 : Number(lengthText);
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32 || (lengthText !== undefined && !/^\d+$/.test(lengthText))) {
    throw new CidrError(`'${text}' has an invalid prefix length`);
  }
  const base = parseIpv4(address);
  const size = 2 ** (32 - prefixLength);
  const first = Math.floor(base / size) * size;
  if (first !== base && !options.allowHostBits) {
    throw new CidrError(`'${text}' has host bits set; the prefix is ${formatIpv4(first)}/${prefixLength}`);
  }
  return { first, last: first + size - 1, prefixLength, text: `${formatIpv4(first)}/${prefixLength}` };
}

export function isCidr(text: string): boolean {
  try {
    parseCidr(text);
    return true;
  } catch {
    return false;
  }
}

export function rangeSize(range: Ipv4Range): number {
  return range.last - range.first + 1;
}

export function overlaps(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function contains(outer: Ipv4Range, inner: Ipv4Range): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

export function containsAddress(range: Ipv4Range, address: number): boolean {
  return range.first <= address && address <= range.last;
}

/** Pairs of prefixes, one from each list, that overlap. */
export function overlappingPairs(left: string[], right: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const l of left) for (const r of right) if (overlaps(parseCidr(l), parseCidr(r))) pairs.push([l, r]);
  return pairs;
}

/** Azure reserves the first four addresses and the last one of every subnet. */
export const AZURE_RESERVED_ADDRESSES_PER_SUBNET = 5;

export function usableAddressCount(prefix: string): number {
  return Math.max(0, rangeSize(parseCidr(prefix)) - AZURE_RESERVED_ADDRESSES_PER_SUBNET);
}

/** The addresses Azure hands out in a subnet, in allocation order (x.x.x.4 up to the one before broadcast). */
export function* assignableAddresses(prefix: string): Generator<string> {
  const range = parseCidr(prefix);
  for (let address = range.first + 4; address <= range.last - 1; address++) yield formatIpv4(address);
}
