import assert from "node:assert/strict";
import { requiredComputeFlows, type ComputeFlowOptions } from "../../../readiness/nsg/aml-flows";
import { evaluateFlow } from "../../../readiness/nsg/evaluate";
import { NIC_NSG_ID, nsg, options, SUBNET_NSG_ID } from "./nsg-builders";

const base: ComputeFlowOptions = { region: "westeurope", publicIp: true, cloud: "AzureCloud" };
const describeFlow = (f: ReturnType<typeof requiredComputeFlows>[number]): string =>
  `${f.flow.direction} ${"tag" in f.flow.remote ? f.flow.remote.tag : f.flow.remote.cidr} ${f.flow.protocol}/${f.flow.port} ${f.requirement}`;

describe("readiness/nsg requiredComputeFlows", () => {
  it("has no inbound 44224 when the compute has no public IP", () => {
    const flows = requiredComputeFlows({ ...base, publicIp: false });
    assert.equal(
      flows.some((f) => f.flow.direction === "Inbound"),
      false,
    );
  });

  it("requires inbound TCP 44224 from AzureMachineLearning when the compute has a public IP", () => {
    assert.ok(requiredComputeFlows(base).map(describeFlow).includes("Inbound AzureMachineLearning Tcp/44224 required"));
  });

  it("lists one flow per port and protocol for AzureMachineLearning, with RStudio situational", () => {
    const aml = requiredComputeFlows(base).filter(
      (f) => f.flow.direction === "Outbound" && "tag" in f.flow.remote && f.flow.remote.tag === "AzureMachineLearning",
    );
    assert.deepEqual(aml.map(describeFlow), [
      "Outbound AzureMachineLearning Tcp/443 required",
      "Outbound AzureMachineLearning Tcp/18881 required",
      "Outbound AzureMachineLearning Tcp/8787 situational",
      "Outbound AzureMachineLearning Udp/5831 required",
    ]);
  });

  it("puts the region into regional tags and normalizes its spelling", () => {
    const tags = requiredComputeFlows({ ...base, region: "West Europe" }).map((f) => ("tag" in f.flow.remote ? f.flow.remote.tag : ""));
    assert.ok(
      ["BatchNodeManagement.westeurope", "Storage.westeurope", "MicrosoftContainerRegistry.westeurope", "AzureKeyVault.westeurope"].every((t) =>
        tags.includes(t),
      ),
    );
  });

  it("gives BatchNodeManagement Any 443 and a fix rule with protocol *", () => {
    const batch = requiredComputeFlows(base).find((f) => f.fixRule.name === "AmlOut-BatchNodeManagement");
    assert.deepEqual([batch?.flow.protocol, batch?.fixRule.protocol, batch?.fixRule.ports], ["Any", "*", ["443"]]);
  });

  it("drops AzureFrontDoor.FrontEnd in Azure China", () => {
    const names = requiredComputeFlows({ ...base, cloud: "AzureChinaCloud" }).map((f) => f.fixRule.tag);
    assert.deepEqual([names.includes("AzureFrontDoor.FrontEnd"), names.includes("AzureFrontDoor.FirstParty")], [false, true]);
  });

  it("lists the legacy Batch ports as one flow each and one fix rule range", () => {
    const legacy = requiredComputeFlows(base).filter((f) => f.requirement === "legacy");
    assert.deepEqual(
      legacy.map((f) => [f.flow.port, f.fixRule.ports]),
      [
        [29876, ["29876-29877"]],
        [29877, ["29876-29877"]],
      ],
    );
  });

  it("shares one fix rule across the ports of a group", () => {
    const aad = requiredComputeFlows(base).filter((f) => f.fixRule.tag === "AzureActiveDirectory");
    assert.deepEqual(
      aad.map((f) => [f.flow.port, f.fixRule.name, f.fixRule.ports]),
      [
        [80, "AmlOut-AzureActiveDirectory", ["80", "443"]],
        [443, "AmlOut-AzureActiveDirectory", ["80", "443"]],
      ],
    );
  });

  it("with Azure's default rules only, every outbound flow passes and every inbound flow is blocked", () => {
    const opts = options({ subnetNsg: nsg(SUBNET_NSG_ID), nicNsg: nsg(NIC_NSG_ID) });
    const verdicts = requiredComputeFlows(base).map((f) => [f.flow.direction, evaluateFlow(f.flow, opts).allowed]);
    assert.ok(
      verdicts.every(([direction, allowed]) => allowed === (direction === "Outbound")),
      JSON.stringify(verdicts),
    );
  });
});
