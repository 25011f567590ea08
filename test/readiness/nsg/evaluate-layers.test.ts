import assert from "node:assert/strict";
import { evaluateFlow, type NsgFlow } from "../../../readiness/nsg/evaluate";
import { normalizeNsg } from "../../../readiness/nsg/nsg-rule";
import { denyAllIn, NIC_NSG_ID, nsg, options, rule, SUBNET_NSG_ID } from "./nsg-builders";

const inbound44224: NsgFlow = { direction: "Inbound", protocol: "Tcp", port: 44224, remote: { tag: "AzureMachineLearning" } };
const outboundAml: NsgFlow = { direction: "Outbound", protocol: "Tcp", port: 443, remote: { tag: "AzureMachineLearning" } };
const allowAmlIn = rule("AllowAmlIn", 100, { direction: "Inbound", sourceAddressPrefix: "AzureMachineLearning", destinationPortRange: "44224" });

describe("readiness/nsg evaluateFlow: subnet and NIC NSGs", () => {
  it("inbound: a subnet deny wins even when the NIC NSG allows, and the NIC NSG is not consulted", () => {
    const verdict = evaluateFlow(inbound44224, options({ subnetNsg: nsg(SUBNET_NSG_ID, denyAllIn), nicNsg: nsg(NIC_NSG_ID, allowAmlIn) }));
    assert.deepEqual(verdict.blockedBy, { nsgId: SUBNET_NSG_ID, level: "subnet", ruleName: "DenyEverythingIn", priority: 4096 });
    assert.deepEqual(
      verdict.decidedBy.map((d) => d.level),
      ["subnet"],
    );
  });

  it("inbound: the subnet allows, then the NIC NSG must allow too", () => {
    const verdict = evaluateFlow(inbound44224, options({ subnetNsg: nsg(SUBNET_NSG_ID, allowAmlIn), nicNsg: nsg(NIC_NSG_ID) }));
    assert.deepEqual(
      verdict.decidedBy.map((d) => [d.level, d.ruleName]),
      [
        ["subnet", "AllowAmlIn"],
        ["nic", "DenyAllInBound"],
      ],
    );
    assert.equal(verdict.blockedBy?.level, "nic");
  });

  it("outbound: the NIC NSG is consulted first and its deny is named as the blocker", () => {
    const denyNic = rule("DenyAmlNic", 200, { access: "Deny", destinationAddressPrefix: "AzureMachineLearning" });
    const denySubnet = rule("DenyAmlSubnet", 100, { access: "Deny", destinationAddressPrefix: "AzureMachineLearning" });
    const verdict = evaluateFlow(outboundAml, options({ subnetNsg: nsg(SUBNET_NSG_ID, denySubnet), nicNsg: nsg(NIC_NSG_ID, denyNic) }));
    assert.deepEqual(verdict.blockedBy, { nsgId: NIC_NSG_ID, level: "nic", ruleName: "DenyAmlNic", priority: 200 });
    assert.deepEqual(
      verdict.decidedBy.map((d) => d.level),
      ["nic"],
    );
  });

  it("outbound: a NIC allow does not override a subnet deny", () => {
    const verdict = evaluateFlow(
      outboundAml,
      options({
        nicNsg: nsg(NIC_NSG_ID),
        subnetNsg: nsg(SUBNET_NSG_ID, rule("DenyAml", 100, { access: "Deny", destinationAddressPrefix: "AzureMachineLearning" })),
      }),
    );
    assert.deepEqual(
      verdict.decidedBy.map((d) => [d.level, d.access]),
      [
        ["nic", "Allow"],
        ["subnet", "Deny"],
      ],
    );
  });

  it("without any NSG everything is allowed and nothing decided", () => {
    assert.deepEqual(evaluateFlow(inbound44224, options()), { allowed: true, decidedBy: [] });
  });

  it("accepts an NSG that is already normalized", () => {
    assert.equal(evaluateFlow(inbound44224, options({ subnetNsg: normalizeNsg(nsg(SUBNET_NSG_ID, allowAmlIn)) })).allowed, true);
  });
});

describe("readiness/nsg evaluateFlow: application security groups", () => {
  const asgRule = rule("AllowAmlToWeb", 100, {
    direction: "Inbound",
    sourceAddressPrefix: "AzureMachineLearning",
    destinationApplicationSecurityGroups: [{ id: "/asg/web" }],
  });

  it("an allow rule for a destination ASG the NIC is not in does not match", () => {
    const verdict = evaluateFlow({ ...inbound44224, localAsgIds: ["/asg/other"] }, options({ nicNsg: nsg(NIC_NSG_ID, asgRule) }));
    assert.equal(verdict.blockedBy?.ruleName, "DenyAllInBound");
  });

  it("an allow rule for a destination ASG the NIC is in matches, ids compared without case", () => {
    const verdict = evaluateFlow({ ...inbound44224, localAsgIds: ["/ASG/WEB"] }, options({ nicNsg: nsg(NIC_NSG_ID, asgRule) }));
    assert.deepEqual(
      verdict.decidedBy.map((d) => d.ruleName),
      ["AllowAmlToWeb"],
    );
  });

  it("a flow without localAsgIds is in no ASG", () => {
    assert.equal(evaluateFlow(inbound44224, options({ nicNsg: nsg(NIC_NSG_ID, asgRule) })).allowed, false);
  });
});
