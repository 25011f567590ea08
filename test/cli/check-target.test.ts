import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, offAzureEnv } from "../helpers/cli";
import { type ReferenceIds, startReferenceSandbox } from "../readiness/helpers";

describe("amlvnet check --target (as a user runs it)", () => {
  let sandbox: RunningSandbox;
  let ids: ReferenceIds;
  let env: Record<string, string>;
  before(async () => {
    ({ sandbox, ids } = await startReferenceSandbox());
    env = offAzureEnv(sandbox);
  });
  after(() => sandbox.close());
  const check = (...extra: string[]) => amlvnet(["check", "--workspace", ids.workspaceId, "--agent-vnet", ids.agentVnetId, "--format", "json", ...extra], env);

  it("without --target judges the AKS compute too; with --target aks-inference only the inference checks of that compute remain", async () => {
    const all = JSON.parse((await check()).stdout);
    const targeted = JSON.parse((await check("--target", "aks-inference")).stdout);
    const computeChecks = (report: { checks: Array<{ id: string }> }) => report.checks.map((c) => c.id).filter((id) => /^(subnet|nsg|route)\./.test(id));
    assert.ok(all.checks.some((c: { id: string }) => c.id === "inference.network-contributor:aks-inference"));
    assert.ok(computeChecks(all).length > 0, "cpu-cluster's subnet and NSG are judged without --target");
    assert.deepEqual(computeChecks(targeted), [], "cpu-cluster is not part of a stage that targets aks-inference");
    assert.ok(targeted.checks.some((c: { id: string }) => c.id === "inference.network-contributor:aks-inference"));
  });

  it("a --target naming nothing exits 2 with the computes and endpoints the workspace has", async () => {
    const run = await check("--target", "aks-inference", "--target", "gpu-cluster");
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /target 'gpu-cluster' names no compute or online endpoint of workspace mlw-secure; it has computes: cpu-cluster \(AmlCompute\), aks-inference \(AKS\); online endpoints: none/,
    );
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  });

  it("--target aci on this private-endpoint workspace exits 1 and says to use a managed online endpoint", async () => {
    const run = await check("--target", "aci");
    assert.equal(run.code, 1);
    const finding = JSON.parse(run.stdout).findings.find((f: { id: string }) => f.id === "inference.aci:aci");
    assert.equal(finding.resourceId, ids.workspaceId);
    assert.match(finding.fix, /^az ml online-endpoint create /);
  });
});
