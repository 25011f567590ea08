import assert from "node:assert/strict";
import { evaluateFlow, type NsgFlow } from "../../../readiness/nsg/evaluate";
import { denyAllOut, NIC_NSG_ID, nsg, options, rule, SUBNET_NSG_ID } from "./nsg-builders";

const out = (tag: string, port = 443, protocol: NsgFlow["protocol"] = "Tcp"): NsgFlow => ({ direction: "Outbound", protocol, port, remote: { tag } });
const subnetOnly = (...rules: ReturnType<typeof rule>[]) => options({ subnetNsg: nsg(SUBNET_NSG_ID, ...rules) });

describe("readiness/nsg evaluateFlow: shadowing by broader tags", () => {
  it("a Deny Storage at 100 blocks Storage.westeurope allowed at 200", () => {
    const verdict = evaluateFlow(
      out("Storage.westeurope"),
      subnetOnly(
        rule("DenyStorage", 100, { access: "Deny", destinationAddressPrefix: "Storage" }),
        rule("AllowStorageWe", 200, { destinationAddressPrefix: "Storage.westeurope" }),
      ),
    );
    assert.equal(verdict.allowed, false);
    assert.deepEqual(verdict.blockedBy, { nsgId: SUBNET_NSG_ID, level: "subnet", ruleName: "DenyStorage", priority: 100 });
  });

  it("a Deny AzureCloud blocks AzureMachineLearning", () => {
    const verdict = evaluateFlow(
      out("AzureMachineLearning"),
      subnetOnly(
        rule("DenyAzure", 100, { access: "Deny", destinationAddressPrefix: "AzureCloud" }),
        rule("AllowAml", 200, { destinationAddressPrefix: "AzureMachineLearning" }),
      ),
    );
    assert.equal(verdict.blockedBy?.ruleName, "DenyAzure");
  });

  it("a Deny Internet outbound blocks service tags", () => {
    const verdict = evaluateFlow(out("AzureActiveDirectory"), subnetOnly(rule("DenyInternet", 3000, { access: "Deny", destinationAddressPrefix: "Internet" })));
    assert.equal(verdict.blockedBy?.ruleName, "DenyInternet");
  });

  it("an Allow Storage.westeurope does not cover Storage.northeurope", () => {
    const verdict = evaluateFlow(
      out("Storage.northeurope"),
      subnetOnly(rule("AllowStorageWe", 100, { destinationAddressPrefix: "Storage.westeurope" }), denyAllOut),
    );
    assert.equal(verdict.blockedBy?.ruleName, "DenyEverythingOut");
  });

  it("a Deny on a regional tag blocks a flow to the global tag, since part of it is blocked", () => {
    const verdict = evaluateFlow(
      out("AzureMachineLearning"),
      subnetOnly(rule("DenyAmlWe", 100, { access: "Deny", destinationAddressPrefix: "AzureMachineLearning.westeurope" })),
    );
    assert.equal(verdict.blockedBy?.ruleName, "DenyAmlWe");
  });

  it("an Allow on a regional tag does not allow a flow to the global tag", () => {
    const verdict = evaluateFlow(
      out("AzureMachineLearning"),
      subnetOnly(rule("AllowAmlWe", 100, { destinationAddressPrefix: "AzureMachineLearning.westeurope" }), denyAllOut),
    );
    assert.equal(verdict.blockedBy?.ruleName, "DenyEverythingOut");
  });
});

describe("readiness/nsg evaluateFlow: ports and protocols", () => {
  const allowAml = (fields: Parameters<typeof rule>[2]) =>
    subnetOnly(rule("AllowAml", 100, { destinationAddressPrefix: "AzureMachineLearning", ...fields }), denyAllOut);

  it("port 443 is inside the range 400-500", () => {
    assert.equal(evaluateFlow(out("AzureMachineLearning"), allowAml({ destinationPortRange: "400-500" })).allowed, true);
  });

  it("port 443 does not match the port 8443", () => {
    assert.equal(evaluateFlow(out("AzureMachineLearning"), allowAml({ destinationPortRange: "8443" })).blockedBy?.ruleName, "DenyEverythingOut");
  });

  it("a port list matches each of its ports", () => {
    const opts = allowAml({ destinationPortRange: undefined, destinationPortRanges: ["80", "443"] });
    assert.deepEqual(
      [80, 443, 8080].map((p) => evaluateFlow(out("AzureMachineLearning", p), opts).allowed),
      [true, true, false],
    );
  });

  it("a TCP-only allow does not allow UDP 5831", () => {
    const verdict = evaluateFlow(out("AzureMachineLearning", 5831, "Udp"), allowAml({ protocol: "Tcp" }));
    assert.equal(verdict.blockedBy?.ruleName, "DenyEverythingOut");
  });

  it("a protocol * allow allows UDP 5831", () => {
    assert.equal(evaluateFlow(out("AzureMachineLearning", 5831, "Udp"), allowAml({ protocol: "*" })).allowed, true);
  });

  it("an Any flow allowed for TCP only is blocked for its UDP part", () => {
    const verdict = evaluateFlow(out("AzureMachineLearning", 443, "Any"), allowAml({ protocol: "Tcp" }));
    assert.deepEqual([verdict.allowed, verdict.blockedBy?.protocol], [false, "Udp"]);
  });

  it("an Any flow is allowed by separate TCP and UDP rules together", () => {
    const opts = subnetOnly(
      rule("Tcp443", 100, { protocol: "Tcp", destinationPortRange: "443" }),
      rule("Udp443", 110, { protocol: "Udp", destinationPortRange: "443" }),
      denyAllOut,
    );
    const verdict = evaluateFlow(out("BatchNodeManagement.westeurope", 443, "Any"), opts);
    assert.deepEqual([verdict.allowed, verdict.decidedBy.map((d) => d.ruleName)], [true, ["Tcp443", "Udp443"]]);
  });

  it("a rule with a specific source port does not match a flow from an ephemeral port", () => {
    assert.equal(evaluateFlow(out("AzureMachineLearning"), allowAml({ sourcePortRange: "443" })).blockedBy?.ruleName, "DenyEverythingOut");
  });

  it("a source port range covering part of the ephemeral range leaves the verdict uncertain", () => {
    const verdict = evaluateFlow(out("AzureMachineLearning"), allowAml({ sourcePortRange: "40000-50000" }));
    assert.equal(verdict.allowed, false);
    assert.match(verdict.uncertain ?? "", /'AllowAml'.*might allow.*ephemeral/);
  });
});

describe("readiness/nsg evaluateFlow: default rules", () => {
  const defaultsOnly = options({ subnetNsg: nsg(SUBNET_NSG_ID), nicNsg: nsg(NIC_NSG_ID) });

  it("with no custom rules AllowInternetOutBound 65001 allows outbound AzureMachineLearning", () => {
    const verdict = evaluateFlow(out("AzureMachineLearning"), defaultsOnly);
    assert.equal(verdict.allowed, true);
    assert.deepEqual(
      verdict.decidedBy.map((d) => [d.level, d.ruleName, d.priority, d.isDefault]),
      [
        ["nic", "AllowInternetOutBound", 65001, true],
        ["subnet", "AllowInternetOutBound", 65001, true],
      ],
    );
  });

  it("with no custom rules DenyAllInBound 65500 denies inbound 44224 from AzureMachineLearning and is named", () => {
    const verdict = evaluateFlow({ direction: "Inbound", protocol: "Tcp", port: 44224, remote: { tag: "AzureMachineLearning" } }, defaultsOnly);
    assert.deepEqual(verdict.blockedBy, { nsgId: SUBNET_NSG_ID, level: "subnet", ruleName: "DenyAllInBound", priority: 65500 });
  });

  it("a custom deny-all at 4096 blocks what is not explicitly allowed and lets the allowed through", () => {
    const opts = subnetOnly(
      rule("AllowAad", 100, {
        protocol: "Tcp",
        destinationAddressPrefix: "AzureActiveDirectory",
        destinationPortRanges: ["80", "443"],
        destinationPortRange: undefined,
      }),
      denyAllOut,
    );
    assert.equal(evaluateFlow(out("AzureActiveDirectory"), opts).allowed, true);
    assert.deepEqual(evaluateFlow(out("AzureResourceManager"), opts).blockedBy, {
      nsgId: SUBNET_NSG_ID,
      level: "subnet",
      ruleName: "DenyEverythingOut",
      priority: 4096,
    });
  });

  it("AllowVnetOutBound lets VirtualNetwork traffic through a Deny Internet", () => {
    const opts = subnetOnly(rule("DenyInternet", 100, { access: "Deny", destinationAddressPrefix: "Internet" }));
    const verdict = evaluateFlow(out("VirtualNetwork"), opts);
    assert.deepEqual([verdict.allowed, verdict.decidedBy.map((d) => d.ruleName)], [true, ["AllowVnetOutBound"]]);
  });
});
