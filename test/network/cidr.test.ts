import assert from "node:assert/strict";
import {
  assignableAddresses,
  CidrError,
  contains,
  containsAddress,
  formatIpv4,
  isCidr,
  overlappingPairs,
  overlaps,
  parseCidr,
  parseIpv4,
  rangeSize,
  usableAddressCount,
} from "../../network/cidr";

// Known vectors, worked out by hand (RFC 4632 prefix arithmetic) rather than by another implementation; the
// reserved-address rule is Microsoft's "What are the restrictions on using IP addresses within these subnets?"
// (virtual-networks-faq): the network address, .1 (gateway), .2 and .3 (DNS), and the broadcast address.
describe("network/cidr", () => {
  it("parses and formats IPv4 addresses as unsigned 32-bit integers", () => {
    assert.equal(parseIpv4("0.0.0.0"), 0);
    assert.equal(parseIpv4("10.0.0.1"), 167772161);
    assert.equal(parseIpv4("192.168.1.254"), 3232236030);
    assert.equal(parseIpv4("255.255.255.255"), 4294967295);
    assert.equal(formatIpv4(4294967295), "255.255.255.255");
    assert.equal(formatIpv4(167772161), "10.0.0.1");
    assert.equal(parseIpv4(" 172.16.0.10 "), 2886729738);
  });

  it("refuses what is not a dotted-quad IPv4 address", () => {
    for (const bad of ["10.0.0", "10.0.0.256", "10.0.0.1.2", "a.b.c.d", "10.0.0.-1", "", "::1", "1234.0.0.1"]) {
      assert.throws(() => parseIpv4(bad), CidrError, bad);
    }
  });

  it("parses prefixes into first/last/size", () => {
    const vnet = parseCidr("10.0.0.0/16");
    assert.deepEqual([formatIpv4(vnet.first), formatIpv4(vnet.last), vnet.prefixLength, vnet.text], ["10.0.0.0", "10.0.255.255", 16, "10.0.0.0/16"]);
    assert.equal(rangeSize(vnet), 65536);
    assert.equal(rangeSize(parseCidr("10.1.2.0/24")), 256);
    assert.equal(rangeSize(parseCidr("10.1.2.8/29")), 8);
    assert.equal(rangeSize(parseCidr("0.0.0.0/0")), 4294967296);
    const host = parseCidr("10.1.2.3");
    assert.deepEqual([host.prefixLength, host.first, host.last, host.text], [32, parseIpv4("10.1.2.3"), parseIpv4("10.1.2.3"), "10.1.2.3/32"]);
  });

  it("refuses host bits unless asked to allow them, naming the prefix meant", () => {
    assert.throws(() => parseCidr("10.0.1.0/16"), /host bits set; the prefix is 10\.0\.0\.0\/16/);
    assert.equal(parseCidr("10.0.1.7/16", { allowHostBits: true }).text, "10.0.0.0/16");
  });

  it("refuses bad prefix lengths and shapes", () => {
    for (const bad of ["10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.0/1.5", "10.0.0.0/ 8"]) {
      assert.throws(() => parseCidr(bad), CidrError, bad);
      assert.equal(isCidr(bad), false, bad);
    }
    assert.equal(isCidr("192.168.0.0/24"), true);
  });

  it("decides overlap and containment on boundaries", () => {
    const a = parseCidr("10.0.0.0/24");
    assert.equal(overlaps(a, parseCidr("10.0.0.255/32")), true);
    assert.equal(overlaps(a, parseCidr("10.0.1.0/24")), false);
    assert.equal(overlaps(parseCidr("10.0.0.0/8"), parseCidr("10.200.0.0/16")), true);
    assert.equal(contains(parseCidr("10.0.0.0/16"), parseCidr("10.0.255.0/24")), true);
    assert.equal(contains(parseCidr("10.0.0.0/16"), parseCidr("10.1.0.0/24")), false);
    assert.equal(contains(parseCidr("10.0.0.0/24"), parseCidr("10.0.0.0/23")), false);
    assert.equal(containsAddress(a, parseIpv4("10.0.0.0")), true);
    assert.equal(containsAddress(a, parseIpv4("10.0.1.0")), false);
  });

  it("lists the overlapping pairs between two address spaces", () => {
    assert.deepEqual(overlappingPairs(["10.0.0.0/16", "192.168.0.0/24"], ["10.0.128.0/17", "172.16.0.0/12", "192.168.0.128/25"]), [
      ["10.0.0.0/16", "10.0.128.0/17"],
      ["192.168.0.0/24", "192.168.0.128/25"],
    ]);
    assert.deepEqual(overlappingPairs(["10.0.0.0/16"], ["10.1.0.0/16"]), []);
  });

  it("counts Azure's usable addresses: size minus five reserved", () => {
    assert.equal(usableAddressCount("10.0.0.0/24"), 251);
    assert.equal(usableAddressCount("10.0.0.0/29"), 3);
    assert.equal(usableAddressCount("10.0.0.0/16"), 65531);
    assert.equal(usableAddressCount("10.0.0.0/30"), 0);
  });

  it("hands out addresses from .4 up to the one before broadcast", () => {
    assert.deepEqual([...assignableAddresses("10.0.1.0/29")], ["10.0.1.4", "10.0.1.5", "10.0.1.6"]);
    const all = [...assignableAddresses("172.16.4.0/24")];
    assert.deepEqual([all.length, all[0], all[all.length - 1]], [251, "172.16.4.4", "172.16.4.254"]);
  });
});
