import assert from "node:assert/strict";
import { type AmlDeps, AmlRun, AmlRunTimeoutError, AmlWaitAbortedError, type AmlWorkspaceRef, cancelAmlRun, triggerAmlRun, waitForAmlRun } from "../../aml";
import { REFERENCE_AML } from "../../sandbox/aml/reference-pipelines";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { FAST_WAIT, startAmlSandbox } from "./aml-harness";

describe("aml: SDK v1 published pipelines and pipeline endpoints against the sandbox", () => {
  let sandbox: RunningSandbox;
  let deps: AmlDeps;
  let workspace: AmlWorkspaceRef;

  before(async () => {
    ({ sandbox, deps, workspace } = await startAmlSandbox(600));
  });
  after(() => sandbox.close());

  it("runs the published pipeline to Completed, with progress that sees it Running, and the parameters it was given", async () => {
    const run = await triggerAmlRun(
      {
        action: "publishedPipeline",
        workspace,
        pipelineId: REFERENCE_AML.publishedPipelineId,
        experimentName: "nightly-ci",
        parameters: { learning_rate: 0.05 },
      },
      deps,
    );
    assert.equal(run.kind, "publishedPipeline");
    assert.equal(run.status, "NotStarted");
    assert.equal(run.experimentName, "nightly-ci");
    const seen: string[] = [];
    const final = await waitForAmlRun(run, deps, { ...FAST_WAIT, onProgress: (r) => seen.push(r.status) });
    assert.equal(final.status, "Completed");
    assert.ok(seen.includes("Running"), `progress saw ${seen.join(", ")}`);
    assert.equal(seen[seen.length - 1], "Completed");
    const recorded = sandbox.aml.findRun(run.runId);
    assert.deepEqual(
      [recorded?.pipelineId, recorded?.parameters.learning_rate, recorded?.parameters.epochs],
      [REFERENCE_AML.publishedPipelineId, "0.05", "10"],
    );
  });

  it("names the experiment after the published pipeline when none is given, and links the run in the studio", async () => {
    const run = await triggerAmlRun({ action: "publishedPipeline", workspace, pipelineId: REFERENCE_AML.publishedPipelineId }, deps);
    assert.equal(run.experimentName, "nightly-train");
    // A custom cloud's studio is its ARM origin (the sandbox answers /runs/{id} there).
    assert.match(
      run.studioUrl,
      new RegExp(
        `^${sandbox.origin}/runs/${run.runId}\\?wsid=/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourcegroups/rg-mlops-secure/workspaces/mlw-secure&tid=${sandbox.env.AZURE_TENANT_ID}$`,
      ),
    );
    const page = await fetch(run.studioUrl);
    assert.equal(page.status, 200);
    assert.equal(((await page.json()) as { runId: string }).runId, run.runId);
  });

  it("submits to the pipeline endpoint's default version when none is given, and to the version asked for", async () => {
    const v2 = sandbox.aml.addPublishedPipeline(workspace.id, { name: "nightly-train-v2", version: "2.0", parameters: { learning_rate: "0.02" } });
    const endpoint = sandbox.aml.addPipelineEndpoint(workspace.id, {
      name: "versioned-endpoint",
      pipelines: [{ pipelineId: REFERENCE_AML.publishedPipelineId }, { pipelineId: v2.id }],
      defaultVersion: "1",
    });
    const byDefault = await triggerAmlRun({ action: "pipelineEndpoint", workspace, pipelineEndpointId: endpoint.id }, deps);
    assert.deepEqual([byDefault.pipelineId, byDefault.experimentName], [v2.id, "versioned-endpoint"]);
    const pinned = await triggerAmlRun({ action: "pipelineEndpoint", workspace, pipelineEndpointId: endpoint.id, pipelineVersion: "0" }, deps);
    assert.equal(pinned.pipelineId, REFERENCE_AML.publishedPipelineId);
    assert.equal((await waitForAmlRun(byDefault, deps, FAST_WAIT)).status, "Completed");
  });

  it("runs the reference pipeline endpoint (default version 0) to Completed", async () => {
    const run = await triggerAmlRun(
      { action: "pipelineEndpoint", workspace, pipelineEndpointId: REFERENCE_AML.pipelineEndpointId, experimentName: "endpoint-ci" },
      deps,
    );
    assert.equal(run.pipelineId, REFERENCE_AML.publishedPipelineId);
    assert.equal((await waitForAmlRun(run, deps, FAST_WAIT)).status, "Completed");
  });

  it("returns (does not throw) a Failed run of a pipeline that fails", async () => {
    const failing = sandbox.aml.addPublishedPipeline(workspace.id, { name: "always-fails", failRuns: true });
    const run = await triggerAmlRun({ action: "publishedPipeline", workspace, pipelineId: failing.id }, deps);
    const final = await waitForAmlRun(run, deps, FAST_WAIT);
    assert.equal(final.status, "Failed");
  });

  it("throws AmlRunTimeoutError when the run outlasts the timeout, leaving the run running", async () => {
    const run = await triggerAmlRun({ action: "publishedPipeline", workspace, pipelineId: REFERENCE_AML.publishedPipelineId }, deps);
    const started = Date.now();
    const error = await waitForAmlRun(run, deps, { timeoutMs: 150, pollIntervalMs: 40 }).then(
      () => assert.fail("expected a timeout"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AmlRunTimeoutError, String(error));
    assert.ok(Date.now() - started < 500, "stops waiting at the timeout");
    assert.match(error.message, new RegExp(`AML run ${run.runId} is still (NotStarted|Running) after 150 ms`));
    assert.ok(["NotStarted", "Running"].includes(sandbox.aml.runs().find((r) => r.runId === run.runId)?.status ?? ""));
  });

  it("cancels a running pipeline run: Canceled in what it returns and in the sandbox's state", async () => {
    const run = await triggerAmlRun({ action: "publishedPipeline", workspace, pipelineId: REFERENCE_AML.publishedPipelineId }, deps);
    const canceled = await cancelAmlRun(run, deps);
    assert.equal(canceled.status, "Canceled");
    assert.equal(sandbox.aml.runs().find((r) => r.runId === run.runId)?.status, "Canceled");
    assert.equal((await waitForAmlRun(run, deps, FAST_WAIT)).status, "Canceled");
  });

  it("stops waiting with AmlWaitAbortedError when the signal aborts (the caller then cancels)", async () => {
    const run = await triggerAmlRun({ action: "publishedPipeline", workspace, pipelineId: REFERENCE_AML.publishedPipelineId }, deps);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    let last: AmlRun | undefined;
    await assert.rejects(waitForAmlRun(run, deps, { ...FAST_WAIT, signal: abort.signal, onProgress: (r) => (last = r) }), AmlWaitAbortedError);
    assert.ok(last && !["Completed", "Failed"].includes(last.status));
    assert.equal((await cancelAmlRun(run, deps)).status, "Canceled");
  });
});
