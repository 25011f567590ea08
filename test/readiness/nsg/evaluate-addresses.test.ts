import assert from "node:assert/strict";
import { evaluateFlow, type NsgFlow } from "../../../readiness/nsg/evaluate";
import { denyAllOut, nsg, options, rule, SUBNET_NSG_ID } from "./nsg-builders";

const toCidr = (cidr: string, port = 443): NsgFlow => ({ direction: "Outbound", protocol: "Tcp", port, remote: { cidr } });
const toTag = (tag: string): NsgFlow => ({ direction: "Outbound", protocol: "Tcp", port: 443, remote: { tag } });
const subnetOnly = (...rules: ReturnType<typeof rule>[]) => options({ subnetNsg: nsg(SUBNET_NSG_ID, ...rules) });
const denyEverythingFirst = rule("DenyAllFirst", 100, { access: "Deny" });

describe("readiness/nsg evaluateFlow: addresses", () => {
  it("168.63.129.16 is never filtered", () => {
    assert.deepEqual(evaluateFlow(toCidr("168.63.129.16", 53), subnetOnly(denyEverythingFirst)), { allowed: true, decidedBy: [] });
  });

  it("169.254.169.254 is never filtered, written with /32 too", () => {
    assert.deepEqual(evaluateFlow(toCidr("169.254.169.254/32", 80), subnetOnly(denyEverythingFirst)), { allowed: true, decidedBy: [] });
  });

  it("a CIDR deny covering part of the subnet blocks the flow and names the rule and the addresses", () => {
    const verdict = evaluateFlow(toTag("Storage.westeurope"), subnetOnly(rule("DenyHalf", 100, { access: "Deny", sourceAddressPrefix: "10.0.1.0/25" })));
    assert.deepEqual(verdict.blockedBy, { nsgId: SUBNET_NSG_ID, level: "subnet", ruleName: "DenyHalf", priority: 100, localRange: "10.0.1.0/25" });
  });

  it("a CIDR allow covering only part of the subnet leaves the rest to the later rules", () => {
    const verdict = evaluateFlow(toTag("Storage.westeurope"), subnetOnly(rule("AllowHalf", 100, { sourceAddressPrefix: "10.0.1.128/25" }), denyAllOut));
    assert.deepEqual([verdict.blockedBy?.ruleName, verdict.blockedBy?.localRange], ["DenyEverythingOut", "10.0.1.0/25"]);
  });

  it("two CIDR allows that together cover the subnet allow the flow", () => {
    const opts = subnetOnly(
      rule("AllowLow", 100, { sourceAddressPrefix: "10.0.1.0/25" }),
      rule("AllowHigh", 110, { sourceAddressPrefix: "10.0.1.128/25" }),
      denyAllOut,
    );
    assert.equal(evaluateFlow(toTag("Storage.westeurope"), opts).allowed, true);
  });

  it("a CIDR covering the whole subnet counts as the subnet", () => {
    const verdict = evaluateFlow(toTag("AzureMachineLearning"), subnetOnly(rule("AllowVnetRange", 100, { sourceAddressPrefix: "10.0.0.0/16" }), denyAllOut));
    assert.deepEqual(
      verdict.decidedBy.map((d) => d.ruleName),
      ["AllowVnetRange"],
    );
  });

  it("a remote CIDR flow is compared by containment", () => {
    const opts = subnetOnly(rule("DenyPeer", 100, { access: "Deny", destinationAddressPrefix: "10.2.0.0/16" }));
    assert.deepEqual(
      [evaluateFlow(toCidr("10.2.3.0/24"), opts).blockedBy?.ruleName, evaluateFlow(toCidr("10.2.0.0/15"), opts).blockedBy?.remoteRange],
      ["DenyPeer", "10.2.0.0/16"],
    );
    assert.equal(evaluateFlow(toCidr("52.0.0.0/24"), opts).allowed, true);
  });

  it("a private address outside the VirtualNetwork prefixes is not Internet: DenyAllOutBound blocks it", () => {
    assert.equal(evaluateFlow(toCidr("10.3.0.0/24"), subnetOnly()).blockedBy?.ruleName, "DenyAllOutBound");
  });

  it("a 0.0.0.0/0 user-defined route puts every service tag inside VirtualNetwork", () => {
    const opts = {
      ...subnetOnly(rule("AllowVnet", 100, { destinationAddressPrefix: "VirtualNetwork" }), denyAllOut),
      vnetPrefixes: ["10.0.0.0/16", "0.0.0.0/0"],
    };
    assert.deepEqual(
      evaluateFlow(toTag("Storage.westeurope"), opts).decidedBy.map((d) => d.ruleName),
      ["AllowVnet"],
    );
  });

  it("a public user-defined route prefix makes VirtualNetwork against a service tag uncertain", () => {
    const opts = {
      ...subnetOnly(rule("AllowVnet", 100, { destinationAddressPrefix: "VirtualNetwork" }), denyAllOut),
      vnetPrefixes: ["10.0.0.0/16", "20.0.0.0/8"],
    };
    const verdict = evaluateFlow(toTag("Storage.westeurope"), opts);
    assert.equal(verdict.blockedBy?.ruleName, "DenyEverythingOut");
    assert.match(verdict.uncertain ?? "", /'AllowVnet'.*might allow.*20\.0\.0\.0\/8/);
  });

  it("VirtualNetwork covers remote CIDRs inside the VNet prefixes only", () => {
    const opts = subnetOnly(rule("AllowVnet", 100, { destinationAddressPrefix: "VirtualNetwork" }), denyAllOut);
    assert.deepEqual([evaluateFlow(toCidr("10.0.9.0/24"), opts).allowed, evaluateFlow(toCidr("10.9.0.0/24"), opts).allowed], [true, false]);
  });

  it("Internet covers a public remote CIDR outside the VNet", () => {
    const verdict = evaluateFlow(toCidr("52.1.2.3"), subnetOnly(rule("DenyInternet", 100, { access: "Deny", destinationAddressPrefix: "Internet" })));
    assert.equal(verdict.blockedBy?.ruleName, "DenyInternet");
  });

  it("an allow by public CIDR for a service tag flow cannot be verified: blocked, with the rule named as uncertain", () => {
    const verdict = evaluateFlow(
      toTag("Storage.westeurope"),
      subnetOnly(rule("AllowStorageIps", 100, { destinationAddressPrefix: "20.38.0.0/16" }), denyAllOut),
    );
    assert.equal(verdict.blockedBy?.ruleName, "DenyEverythingOut");
    assert.match(verdict.uncertain ?? "", /'AllowStorageIps'.*might allow.*20\.38\.0\.0\/16/);
  });

  it("a deny by public CIDR for a service tag flow cannot be verified: allowed, with the rule named as uncertain", () => {
    const verdict = evaluateFlow(toTag("Storage.westeurope"), subnetOnly(rule("DenyIps", 100, { access: "Deny", destinationAddressPrefix: "20.38.0.0/16" })));
    assert.equal(verdict.allowed, true);
    assert.match(verdict.uncertain ?? "", /'DenyIps'.*might deny/);
  });

  it("a private CIDR rule does not touch a service tag flow", () => {
    const verdict = evaluateFlow(
      toTag("Storage.westeurope"),
      subnetOnly(rule("DenyPrivate", 100, { access: "Deny", destinationAddressPrefix: "192.168.0.0/16" })),
    );
    assert.deepEqual([verdict.allowed, verdict.uncertain], [true, undefined]);
  });
});
