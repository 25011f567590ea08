import ipaddr from "ipaddr.js";

/**
 * The sandbox's own IPv4 arithmetic, on ipaddr.js: address allocation, overlap and containment are judged here
 * independently of the product's network/cidr.ts, so a bug there cannot pass both the checks and the sandbox.
 */
export interface Prefix {
  network: ipaddr.IPv4;
  bits: number;
  /** Normalized `a.b.c.d/n`. */
  text: string;
}

export class PrefixError extends Error {}

export function isIpv4Address(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text.trim());
}

/** `a.b.c.d/n` (a bare address is /32); host bits must be zero, as ARM requires of address prefixes. */
export function parsePrefix(text: string): Prefix {
  const [address, length, extra] = text.trim().split("/");
  if (extra !== undefined || !isIpv4Address(address) || (length !== undefined && !/^\d{1,2}$/.test(length)) || Number(length) > 32) {
    throw new PrefixError(`'${text}' is not an IPv4 CIDR prefix`);
  }
  const bits = length === undefined ? 32 : Number(length);
  const network = ipaddr.IPv4.networkAddressFromCIDR(`${address}/${bits}`);
  if (network.toString() !== ipaddr.IPv4.parse(address).toString())
    throw new PrefixError(`'${text}' has host bits set; the prefix is ${network.toString()}/${bits}`);
  return { network, bits, text: `${network.toString()}/${bits}` };
}

export function isPrefix(text: string): boolean {
  try {
    parsePrefix(text);
    return true;
  } catch {
    return false;
  }
}

export function prefixContains(outer: Prefix, inner: Prefix): boolean {
  return inner.bits >= outer.bits && inner.network.match(outer.network, outer.bits);
}

export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  return a.bits <= b.bits ? b.network.match(a.network, a.bits) : a.network.match(b.network, b.bits);
}

export function prefixHoldsAddress(prefix: Prefix, address: string): boolean {
  return isIpv4Address(address) && ipaddr.IPv4.parse(address.trim()).match(prefix.network, prefix.bits);
}

/** Pairs of prefixes, one from each list, that overlap. */
export function overlappingPrefixPairs(left: string[], right: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const l of left) for (const r of right) if (prefixesOverlap(parsePrefix(l), parsePrefix(r))) pairs.push([l, r]);
  return pairs;
}

/** The address after `address` (255.255.255.255 has none). */
export function nextAddress(address: string): string | undefined {
  const octets = ipaddr.IPv4.parse(address).toByteArray();
  for (let i = 3; i >= 0; i--) {
    if (octets[i] < 255) {
      octets[i] += 1;
      return new ipaddr.IPv4(octets).toString();
    }
    octets[i] = 0;
  }
  return undefined;
}

/**
 * The addresses ARM hands out in a subnet, in order: Azure keeps the network address, .1 (gateway), .2 and .3 (DNS)
 * and the broadcast address (learn.microsoft.com virtual-networks-faq, "restrictions on using IP addresses").
 */
export function* subnetHostAddresses(prefix: Prefix): Generator<string> {
  const broadcast = ipaddr.IPv4.broadcastAddressFromCIDR(prefix.text).toString();
  let address: string | undefined = prefix.network.toString();
  for (let skip = 0; skip < 4 && address !== undefined && address !== broadcast; skip++) address = nextAddress(address);
  for (; address !== undefined && address !== broadcast; address = nextAddress(address)) yield address;
}
