import assert from "node:assert/strict";
import { judgeTopology } from "../../readiness/engine";
import { generateHubSpoke } from "./large-topology";

/** The generated topology the benchmark times: correct by construction, so any finding is a false positive. */
describe("readiness engine on a generated hub-and-spoke of 200 VNets, 5,000 NSG rules and 1,000 compute subnets", () => {
  it("has the requested size and comes out ready with every check run, spokes reaching spoke 1 through the hub", async () => {
    const { topology, options, counts } = generateHubSpoke({ vnets: 200, nsgRules: 5000, computeSubnets: 1000 });
    assert.deepEqual(counts, { vnets: 200, nsgs: 199, nsgRules: 5000, computes: 1000, endpoints: 5, zoneLinks: 1200 });
    const report = await judgeTopology(topology, options);
    assert.deepEqual(report.findings.slice(0, 5), []);
    assert.equal(report.ready, true);
    // Per compute subnet: 3 subnet checks, 16 outbound NSG flows (+ inbound 44224 where nodes have public IPs).
    const publicIpSubnets = topology.computes.filter(
      (c) => (c.properties as { properties?: { enableNodePublicIp?: boolean } }).properties?.enableNodePublicIp,
    ).length;
    assert.equal(report.checks.filter((c) => c.category === "nsg").length, 1000 * 16 + publicIpSubnets);
    assert.equal(report.checks.filter((c) => c.category === "subnet").length, 1000 * 3);
    // Every compute to each of the 5 endpoints, and the agents' subnet to each: all reached.
    assert.equal(report.checks.filter((c) => c.id.startsWith("path.reach:")).length, 1001 * 5);
  });

  it("still finds one shadowing Deny among the 5,000 rules", async () => {
    const { topology, options } = generateHubSpoke({ vnets: 200, nsgRules: 5000 });
    const nsg = topology.nsgs.values().find((n) => n.name === "nsg-spoke-123");
    nsg?.securityRules?.push({
      name: "DenyBatch",
      priority: 125,
      direction: "Outbound",
      access: "Deny",
      protocol: "*",
      sourcePortRange: "*",
      sourceAddressPrefix: "*",
      destinationAddressPrefix: "BatchNodeManagement",
      destinationPortRange: "*",
    });
    const report = await judgeTopology(topology, options);
    assert.deepEqual(
      report.findings.map((f) => [f.id, f.severity, f.resourceId]),
      [["nsg.flow:snet-training:outbound:BatchNodeManagement.westeurope:any/443", "error", nsg?.id]],
    );
  });
});
