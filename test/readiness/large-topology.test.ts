import assert from "node:assert/strict";
import { judgeTopology } from "../../readiness/engine";
import { generateHubSpoke } from "./large-topology";

/** The generated topology the benchmark times: correct by construction, so any finding is a false positive. */
describe("readiness engine on a generated hub-and-spoke of 200 VNets and 5,000 NSG rules", () => {
  it("has the requested size and comes out ready with every check run", async () => {
    const { topology, options, counts } = generateHubSpoke({ vnets: 200, nsgRules: 5000 });
    assert.deepEqual(counts, { vnets: 200, nsgs: 199, nsgRules: 5000, computes: 199, endpoints: 5, zoneLinks: 1200 });
    const report = await judgeTopology(topology, options);
    assert.deepEqual(report.findings.slice(0, 5), []);
    assert.equal(report.ready, true);
    // Per spoke: 3 subnet checks, and 16 outbound NSG flows (+ inbound 44224 on the 100 spokes with public-IP nodes).
    const nsgChecks = report.checks.filter((c) => c.category === "nsg").length;
    assert.equal(nsgChecks, 100 * 17 + 99 * 16);
    assert.equal(report.checks.filter((c) => c.category === "subnet").length, 199 * 3);
  });

  it("still finds one shadowing Deny among the 5,000 rules", async () => {
    const { topology, options } = generateHubSpoke({ vnets: 200, nsgRules: 5000 });
    const nsg = topology.nsgs.values().find((n) => n.name === "nsg-spoke-123");
    nsg?.securityRules?.push({ name: "DenyBatch", priority: 125, direction: "Outbound", access: "Deny", protocol: "*", sourcePortRange: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "BatchNodeManagement", destinationPortRange: "*" });
    const report = await judgeTopology(topology, options);
    assert.deepEqual(report.findings.map((f) => [f.id, f.severity, f.resourceId]), [["nsg.flow:snet-training:outbound:BatchNodeManagement.westeurope:any/443", "error", nsg?.id]]);
  });
});
