import assert from "node:assert/strict";
import type { JobBase, PipelineJob } from "@azure/arm-machinelearning";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { referenceNames } from "../../sandbox/scenarios/reference-topology";
import { rawArm, rejectsWithCode, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

function pipelineJob(experimentName: string, workspaceId: string): JobBase {
  const properties: PipelineJob = {
    jobType: "Pipeline",
    experimentName,
    displayName: "sdk job",
    inputs: { rate: { jobInputType: "literal", value: "0.1" } },
    // A step as azure-ai-ml sends it: the registered component's and the compute's ARM IDs.
    jobs: { train: { type: "command", componentId: `${workspaceId}/components/train_model/versions/1`, computeId: `${workspaceId}/computes/cpu-cluster` } },
    settings: { default_compute: "azureml:cpu-cluster" },
  };
  return { properties };
}

describe("sandbox: v2 jobs in ARM through @azure/arm-machinelearning (2022-10-01)", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  let n: ReturnType<typeof referenceNames>;
  let wsId: string;

  before(async () => {
    sandbox = await startTestSandbox({ scenario: "reference", lroMs: 400 });
    clients = sandboxClients(sandbox);
    n = referenceNames(sandbox.env.AZURE_SUBSCRIPTION_ID);
    wsId = `/subscriptions/${n.subscriptionId}/resourceGroups/${n.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${n.workspace}`;
  });
  after(() => sandbox.close());

  it("creates a pipeline job (NotStarted, with Studio and Tracking services), then reports Running and Completed", async () => {
    const created = await clients.machineLearning.jobs.createOrUpdate(n.resourceGroup, n.workspace, "sdk_job_1", pipelineJob("sdk-exp", wsId));
    assert.deepEqual(
      [created.name, created.type, created.properties.jobType, created.properties.status],
      ["sdk_job_1", "Microsoft.MachineLearningServices/workspaces/jobs", "Pipeline", "NotStarted"],
    );
    assert.match(
      created.properties.services?.Studio?.endpoint ?? "",
      new RegExp(
        `^${sandbox.origin}/runs/sdk_job_1\\?wsid=/subscriptions/${n.subscriptionId}/resourcegroups/${n.resourceGroup}/workspaces/${n.workspace}&tid=${sandbox.env.AZURE_TENANT_ID}$`,
      ),
    );
    assert.match(created.properties.services?.Tracking?.endpoint ?? "", /^azureml:\/\/westeurope\.api\.azureml\.ms\/mlflow\/v1\.0\/subscriptions\//);
    const seen = new Set<string>();
    for (let i = 0; i < 60 && !seen.has("Completed"); i++) {
      seen.add((await clients.machineLearning.jobs.get(n.resourceGroup, n.workspace, "sdk_job_1")).properties.status as string);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual([...seen], ["NotStarted", "Running", "Completed"]);
    const listed: string[] = [];
    for await (const job of clients.machineLearning.jobs.list(n.resourceGroup, n.workspace)) listed.push(`${job.name}:${job.properties.status}`);
    assert.ok(listed.includes("sdk_job_1:Completed"), listed.join(", "));
  });

  it("cancels with 202 + Location; beginCancelAndWait settles and the job ends Canceled", async () => {
    await clients.machineLearning.jobs.createOrUpdate(n.resourceGroup, n.workspace, "sdk_job_cancel", pipelineJob("sdk-exp", wsId));
    const raw = await rawArm(sandbox, clients.credential, "POST", `${wsId}/jobs/sdk_job_cancel/cancel?api-version=2024-04-01`);
    assert.equal(raw.status, 202);
    assert.match(
      raw.headers.get("location") ?? "",
      new RegExp(
        `^${sandbox.origin}/subscriptions/${n.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/westeurope/mfeOperationResults/jc%3A`,
      ),
    );
    assert.ok(raw.headers.get("retry-after"));
    assert.equal((await clients.machineLearning.jobs.get(n.resourceGroup, n.workspace, "sdk_job_cancel")).properties.status, "CancelRequested");
    await clients.machineLearning.jobs.beginCancelAndWait(n.resourceGroup, n.workspace, "sdk_job_cancel", { updateIntervalInMs: 20 });
    assert.equal((await clients.machineLearning.jobs.get(n.resourceGroup, n.workspace, "sdk_job_cancel")).properties.status, "Canceled");
    assert.equal(sandbox.aml.runs().find((r) => r.runId === "sdk_job_cancel")?.status, "Canceled");
  });

  it("refuses what AML refuses: an unknown jobType, a pipeline without steps, a changed definition, an inline or unknown step component, v1 legacy mode, a cancel of no job", async () => {
    await rejectsWithCode(
      clients.machineLearning.jobs.createOrUpdate(n.resourceGroup, n.workspace, "bad_type", { properties: { jobType: "Spark" as "Pipeline", jobs: {} } }),
      "UserError",
    );
    await rejectsWithCode(
      clients.machineLearning.jobs.createOrUpdate(n.resourceGroup, n.workspace, "no_steps", { properties: { jobType: "Pipeline", jobs: {} } }),
      "UserError",
    );
    await clients.machineLearning.jobs.createOrUpdate(n.resourceGroup, n.workspace, "sdk_job_2", pipelineJob("sdk-exp", wsId));
    const retagged = await clients.machineLearning.jobs.createOrUpdate(n.resourceGroup, n.workspace, "sdk_job_2", {
      properties: { ...pipelineJob("sdk-exp", wsId).properties, tags: { owner: "ci" } },
    });
    assert.deepEqual(retagged.properties.tags, { owner: "ci" });
    const changed = await rejectsWithCode(
      clients.machineLearning.jobs.createOrUpdate(n.resourceGroup, n.workspace, "sdk_job_2", pipelineJob("another-exp", wsId)),
      "UserError",
    );
    assert.match(changed.message, /only description, displayName, tags, isArchived can be updated \(not experimentName\)/);
    const inlineStep = {
      jobType: "Pipeline" as const,
      jobs: { train: { type: "command", command: "python train.py", environment: "azureml:sklearn@latest" } },
    };
    const inline = await rejectsWithCode(
      clients.machineLearning.jobs.createOrUpdate(n.resourceGroup, n.workspace, "inline_step", { properties: inlineStep }),
      "UserError",
    );
    assert.match(inline.message, /child job 'train' has no componentId \(inline command, environment is not accepted\)/);
    const unknownComponent = { jobType: "Pipeline" as const, jobs: { train: { type: "command", componentId: `${wsId}/components/nope/versions/1` } } };
    await rejectsWithCode(
      clients.machineLearning.jobs.createOrUpdate(n.resourceGroup, n.workspace, "unknown_component", { properties: unknownComponent }),
      "UserError",
    );
    const ws = sandbox.armClient.get(wsId, "2024-04-01") as { location: string; properties: Record<string, unknown> };
    sandbox.armClient.put(wsId, "2024-04-01", { location: ws.location, properties: { ...ws.properties, v1LegacyMode: true } });
    try {
      const legacy = await rejectsWithCode(
        clients.machineLearning.jobs.createOrUpdate(n.resourceGroup, n.workspace, "legacy_job", pipelineJob("sdk-exp", wsId)),
        "UserError",
      );
      assert.match(legacy.message, /v1 legacy mode/);
    } finally {
      sandbox.armClient.put(wsId, "2024-04-01", { location: ws.location, properties: { ...ws.properties, v1LegacyMode: false } });
    }
    const missing = await rawArm(sandbox, clients.credential, "POST", `${wsId}/jobs/nope/cancel?api-version=2024-04-01`);
    assert.deepEqual([missing.status, missing.json.error.code], [404, "UserError"]);
    const noVersion = await rawArm(sandbox, clients.credential, "POST", `${wsId}/jobs/sdk_job_2/cancel`);
    assert.deepEqual([noVersion.status, noVersion.json.error.code], [400, "MissingApiVersionParameter"]);
  });
});
