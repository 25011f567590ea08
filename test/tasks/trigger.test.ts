import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REFERENCE_AML } from "../../sandbox/aml/reference-pipelines";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { referenceIds } from "../readiness/helpers";
import { agentEnvironment, bundledTaskEntry, outputVariable, referenceInputs, runTask, secretConnectionOf, startTask, taskResult } from "./task-runner";

describe("AmlNetworkGate@1: the trigger, after the gate allows it", () => {
  let entry: string;
  before(async () => {
    entry = await bundledTaskEntry();
  });

  /** The agent's environment for the task with these inputs, signed in as the sandbox's service principal. */
  const environmentOf = (sandbox: RunningSandbox, extra: Record<string, string>) =>
    agentEnvironment(sandbox, referenceInputs(sandbox, { experimentName: "nightly-train", ...extra }), secretConnectionOf(sandbox));
  const trigger = (sandbox: RunningSandbox, extra: Record<string, string>) => runTask(environmentOf(sandbox, extra), entry);
  const triggerPublished = (sandbox: RunningSandbox, extra: Record<string, string> = {}) =>
    trigger(sandbox, { pipelineAction: "publishedPipeline", pipelineId: REFERENCE_AML.publishedPipelineId, ...extra });
  /** A v2 job spec file with these lines, in a fresh directory. */
  const jobFileWith = (name: string, lines: string[]): string => {
    const jobFile = join(mkdtempSync(join(tmpdir(), "amlvnet-job-")), name);
    writeFileSync(jobFile, [...lines, ""].join("\n"));
    return jobFile;
  };

  describe("with runs that finish quickly", () => {
    let sandbox: RunningSandbox;
    before(async () => {
      sandbox = await startTestSandbox({ scenario: "reference", lroMs: 600 });
    });
    after(() => sandbox.close());

    it("triggers the published pipeline on a ready network and reports its completion", async () => {
      const run = await triggerPublished(sandbox, { parameters: "learning_rate: 0.05\nepochs: 3" });
      assert.equal(taskResult(run.stdout), "Succeeded", run.stdout);
      const runId = outputVariable(run.stdout, "runId") as string;
      assert.ok(runId);
      assert.equal(outputVariable(run.stdout, "runStatus"), "Completed");
      assert.match(run.stdout, /AML run \S+ is Running/);
      assert.match(run.stdout, /##vso\[task\.setprogress value=\d+;\]AML run \S+ is Running/, "progress while waiting");
      assert.match(run.stdout, /##vso\[task\.setprogress value=100;\]AML run \S+ is Completed/);
      assert.match(outputVariable(run.stdout, "runUrl") ?? "", /^https:\/\/127\.0\.0\.1:\d+\//);
      const recorded = sandbox.aml.runs().find((r) => r.runId === runId);
      assert.deepEqual([recorded?.experimentName, recorded?.parameters.learning_rate, recorded?.status], ["nightly-train", "0.05", "Completed"]);
    });

    it("runs a pipeline endpoint's default version", async () => {
      const run = await trigger(sandbox, { pipelineAction: "pipelineEndpoint", pipelineEndpointId: REFERENCE_AML.pipelineEndpointId });
      assert.equal(taskResult(run.stdout), "Succeeded", run.stdout);
      const recorded = sandbox.aml.runs().find((r) => r.runId === outputVariable(run.stdout, "runId"));
      assert.equal(recorded?.pipelineEndpointId, REFERENCE_AML.pipelineEndpointId);
    });

    it("submits a v2 pipeline job from a job file through ARM", async () => {
      const jobFile = jobFileWith("pipeline.yml", [
        "$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json",
        "type: pipeline",
        "experiment_name: nightly-train",
        "settings:",
        "  default_compute: azureml:cpu-cluster",
        "jobs:",
        "  train:",
        "    type: command",
        "    component: azureml:train_model@latest",
      ]);
      const run = await trigger(sandbox, { pipelineAction: "job", jobFile });
      assert.equal(taskResult(run.stdout), "Succeeded", run.stdout);
      const job = sandbox.armClient.get(`${referenceIds(sandbox).workspaceId}/jobs/${outputVariable(run.stdout, "runId")}`, "2024-04-01") as {
        properties: { jobType: string; status: string };
      };
      assert.deepEqual([job.properties.jobType, job.properties.status], ["Pipeline", "Completed"]);
    });

    it("refuses a job file with an inline command step in one line, before submitting anything", async () => {
      const jobFile = jobFileWith("inline.yml", [
        "type: pipeline",
        "jobs:",
        "  train:",
        "    type: command",
        "    command: python train.py",
        "    environment: azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest",
      ]);
      const before = sandbox.aml.runs().length;
      const run = await trigger(sandbox, { pipelineAction: "job", jobFile });
      assert.equal(taskResult(run.stdout), "Failed");
      const complete = /##vso\[task\.complete result=Failed;\](.*)/.exec(run.stdout)?.[1] ?? "";
      assert.match(
        complete,
        /job spec line 5: step 'train' defines its command, environment inline; the task submits steps that reference a registered component/,
      );
      assert.equal(sandbox.aml.runs().length, before);
    });

    it("fails a v2 job on a workspace in v1 legacy mode before submitting, with the fix", async () => {
      const ids = referenceIds(sandbox);
      const jobFile = jobFileWith("pipeline.yml", ["type: pipeline", "jobs:", "  train:", "    type: command", "    component: azureml:train_model:1"]);
      const ws = sandbox.armClient.get(ids.workspaceId, "2024-04-01") as { location: string; properties: Record<string, unknown> };
      sandbox.armClient.put(ids.workspaceId, "2024-04-01", { location: ws.location, properties: { ...ws.properties, v1LegacyMode: true } });
      const before = sandbox.aml.runs().length;
      try {
        const run = await trigger(sandbox, { pipelineAction: "job", jobFile });
        assert.equal(taskResult(run.stdout), "Failed");
        assert.match(run.stdout, /in v1 legacy mode .*az ml workspace update --name mlw-secure --resource-group rg-mlops-secure --v1-legacy-mode false/);
        assert.equal(sandbox.aml.runs().length, before);
      } finally {
        sandbox.armClient.put(ids.workspaceId, "2024-04-01", { location: ws.location, properties: { ...ws.properties, v1LegacyMode: false } });
      }
    });

    it("fails the task when the AML run fails", async () => {
      sandbox.aml.setFailRuns(referenceIds(sandbox).workspaceId, REFERENCE_AML.publishedPipelineId, true);
      try {
        const run = await triggerPublished(sandbox);
        assert.equal(taskResult(run.stdout), "Failed");
        assert.match(run.stdout, /##vso\[task\.complete result=Failed;\]AML run \S+ ended Failed/);
      } finally {
        sandbox.aml.setFailRuns(referenceIds(sandbox).workspaceId, REFERENCE_AML.publishedPipelineId, false);
      }
    });

    it("triggers nothing when the network is not ready", async () => {
      const ids = referenceIds(sandbox);
      const before = sandbox.aml.runs().length;
      sandbox.armClient.delete(`${ids.agentVnetId}/virtualNetworkPeerings/vp_basvnet_amlvnet`, "2024-07-01");
      try {
        const run = await triggerPublished(sandbox);
        assert.equal(taskResult(run.stdout), "Failed");
        assert.match(run.stdout, /\[peering\] .* Fix: az network vnet peering/);
        assert.equal(outputVariable(run.stdout, "runId"), undefined);
        assert.equal(sandbox.aml.runs().length, before, "no AML run was submitted");
      } finally {
        sandbox.armClient.delete(`${ids.amlVnetId}/virtualNetworkPeerings/vp_amlvnet_basvnet`, "2024-07-01");
        sandbox.armClient.put(`${ids.amlVnetId}/virtualNetworkPeerings/vp_amlvnet_basvnet`, "2024-07-01", {
          properties: { remoteVirtualNetwork: { id: ids.agentVnetId } },
        });
        sandbox.armClient.put(`${ids.agentVnetId}/virtualNetworkPeerings/vp_basvnet_amlvnet`, "2024-07-01", {
          properties: { remoteVirtualNetwork: { id: ids.amlVnetId } },
        });
      }
    });
  });

  describe("with runs that take long", () => {
    let sandbox: RunningSandbox;
    before(async () => {
      sandbox = await startTestSandbox({ scenario: "reference", lroMs: 120000 });
    });
    after(() => sandbox.close());

    it("cancels the AML run and fails when it does not finish within timeoutMinutes", async () => {
      const run = await triggerPublished(sandbox, { timeoutMinutes: "0.03" });
      assert.equal(taskResult(run.stdout), "Failed");
      assert.match(run.stdout, /did not finish within 0\.03 minutes; it was canceled/);
      const recorded = sandbox.aml.runs().find((r) => r.runId === outputVariable(run.stdout, "runId"));
      assert.equal(recorded?.status, "Canceled");
    });

    it("cancels the AML run when the pipeline run is canceled (SIGTERM)", async () => {
      const task = startTask(environmentOf(sandbox, { pipelineAction: "publishedPipeline", pipelineId: REFERENCE_AML.publishedPipelineId }), entry);
      let seen = "";
      await new Promise<void>((resolve) => {
        task.child.stdout?.on("data", (d: Buffer) => {
          seen += d.toString();
          if (/AML run \S+ is (NotStarted|Running)/.test(seen)) resolve();
        });
      });
      task.child.kill("SIGTERM");
      const run = await task.done;
      assert.equal(taskResult(run.stdout), "Failed", run.stdout);
      assert.match(run.stdout, /The pipeline run was canceled: canceling AML run/);
      const recorded = sandbox.aml.runs().find((r) => r.runId === outputVariable(run.stdout, "runId"));
      assert.equal(recorded?.status, "Canceled");
    });
  });
});
