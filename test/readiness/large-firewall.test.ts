import assert from "node:assert/strict";
import { judgeTopology } from "../../readiness/engine";
import { addLargeFirewall } from "./large-firewall";
import { generateHubSpoke } from "./large-topology";

/** The bench's firewall estate (bench/readiness.js): 2,000 rules in 20 groups in front of 199 spokes, every flow judged. */
describe("readiness engine on a large firewall policy", () => {
  it("judges every required flow of every spoke through a 2,000-rule, 20-group policy and finds it ready", async () => {
    const large = generateHubSpoke({ vnets: 200, nsgRules: 5000 });
    const counts = addLargeFirewall(large, { rules: 2000, groups: 20 });
    assert.equal(counts.rules, 2000);
    const before = process.cpuUsage();
    const report = await judgeTopology(large.topology, large.options);
    const used = process.cpuUsage(before);
    assert.deepEqual(
      report.findings
        .filter((f) => f.severity === "error")
        .map((f) => f.id)
        .slice(0, 5),
      [],
    );
    // 99 no-public-IP spokes send all 14 flows through it; 100 public-IP spokes route AML and Batch (5 flows) to the internet.
    assert.equal(report.checks.filter((c) => c.id.startsWith("route.firewall-flow:afw-hub:")).length, 99 * 14 + 100 * 9);
    // The bench holds the 3 s target; this bound only catches a blow-up on a shared machine.
    assert.ok((used.user + used.system) / 1000 < 15000, `${(used.user + used.system) / 1000} ms CPU`);
  });
});
