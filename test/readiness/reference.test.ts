import assert from "node:assert/strict";
import { runReadinessCheck } from "../../readiness/engine";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { referenceIds, sandboxClientsFor } from "./helpers";

describe("readiness engine on the sandbox's reference scenario", () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startTestSandbox({ scenario: "reference" });
  });
  after(() => sandbox.close());

  it("reports the reference architecture ready, with no finding at all", async () => {
    const ids = referenceIds(sandbox);
    const report = await runReadinessCheck(
      { workspaceId: ids.workspaceId, agentVnetId: ids.agentVnetId, cloud: "AzureCloud", failOn: "warning" },
      sandboxClientsFor(sandbox),
    );
    assert.deepEqual(report.findings, []);
    assert.equal(report.ready, true);
    assert.ok(report.checks.length > 25, `only ${report.checks.length} checks ran`);
    for (const category of ["subnet", "route", "private-endpoint", "dns", "peering", "workspace", "registry"]) {
      assert.ok(
        report.checks.some((c) => c.category === category),
        `no ${category} check ran`,
      );
    }
  });
});
