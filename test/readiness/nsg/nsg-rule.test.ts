import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { normalizeNsg, NsgRuleError, parsePortSpec } from "../../../readiness/nsg/nsg-rule";
import { rule } from "./nsg-builders";

const fixture = join(__dirname, "..", "..", "..", "..", "test", "fixtures", "arm", "network-nsg-create-with-rule.json");
const DEFAULT_NAMES = ["AllowVnetInBound", "AllowAzureLoadBalancerInBound", "DenyAllInBound", "AllowVnetOutBound", "AllowInternetOutBound", "DenyAllOutBound"];

describe("readiness/nsg normalizeNsg", () => {
  it("adds Azure's six default rules when defaultSecurityRules is absent", () => {
    const { rules } = normalizeNsg({ id: "nsg-1", securityRules: [] });
    assert.deepEqual(rules.map((r) => r.name).sort(), [...DEFAULT_NAMES].sort());
    const internet = rules.find((r) => r.name === "AllowInternetOutBound");
    assert.deepEqual([internet?.priority, internet?.destinationPrefixes, internet?.isDefault], [65001, ["Internet"], true]);
  });

  it("reads ARM JSON with nested properties and does not duplicate the default rules it lists", () => {
    const body = JSON.parse(readFileSync(fixture, "utf8")).responses["200"].body;
    const { id, rules } = normalizeNsg(body);
    assert.match(id, /networkSecurityGroups\/testnsg$/);
    assert.equal(rules.length, 7);
    assert.deepEqual(rules[0], {
      name: "rule1",
      nsgId: id,
      priority: 130,
      direction: "Inbound",
      access: "Allow",
      protocol: "*",
      sourcePrefixes: ["*"],
      sourcePorts: ["*"],
      destinationPrefixes: ["*"],
      destinationPorts: ["80"],
      sourceAsgIds: [],
      destinationAsgIds: [],
      isDefault: false,
    });
  });

  it("merges singular and plural prefix and port fields and rewrites Any to *", () => {
    const [r] = normalizeNsg({
      id: "n",
      securityRules: [
        rule("r", 100, {
          sourceAddressPrefix: "Any",
          destinationAddressPrefix: "10.0.0.0/24",
          destinationAddressPrefixes: ["10.0.1.0/24", "10.0.0.0/24"],
          destinationPortRange: "443",
          destinationPortRanges: ["80", "8000-8999"],
        }),
      ],
    }).rules;
    assert.deepEqual([r.sourcePrefixes, r.destinationPrefixes, r.destinationPorts], [["*"], ["10.0.0.0/24", "10.0.1.0/24"], ["443", "80", "8000-8999"]]);
  });

  it("normalizes the case of direction, access and protocol, and reads protocol Any as *", () => {
    const rules = normalizeNsg({
      id: "n",
      securityRules: [rule("a", 100, { direction: "inbound", access: "deny", protocol: "tcp" }), rule("b", 101, { protocol: "Any" })],
    }).rules;
    assert.deepEqual([rules[0].direction, rules[0].access, rules[0].protocol, rules[1].protocol], ["Inbound", "Deny", "Tcp", "*"]);
  });

  it("keeps ASG ids and leaves the prefix list of that side empty", () => {
    const [r] = normalizeNsg({ id: "n", securityRules: [rule("r", 100, { destinationApplicationSecurityGroups: [{ id: "asg-web" }] })] }).rules;
    assert.deepEqual([r.destinationAsgIds, r.destinationPrefixes], [["asg-web"], []]);
  });

  it("orders rules by priority with custom rules before the defaults", () => {
    const names = normalizeNsg({ id: "n", securityRules: [rule("late", 4000), rule("early", 100)] }).rules.map((r) => r.name);
    assert.deepEqual(names.slice(0, 2), ["early", "late"]);
    assert.equal(names.at(-1), "DenyAllOutBound");
  });

  it("refuses a rule without a priority or with a malformed port range", () => {
    assert.throws(() => normalizeNsg({ id: "n", securityRules: [{ name: "x", direction: "Inbound", access: "Allow" }] }), NsgRuleError);
    assert.throws(() => normalizeNsg({ id: "n", securityRules: [rule("x", 100, { destinationPortRange: "500-400" })] }), /'500-400'/);
  });

  it("parses *, single ports and ranges", () => {
    assert.deepEqual(
      [parsePortSpec("*"), parsePortSpec("443"), parsePortSpec("8000-8999")],
      [
        { first: 0, last: 65535 },
        { first: 443, last: 443 },
        { first: 8000, last: 8999 },
      ],
    );
  });
});
