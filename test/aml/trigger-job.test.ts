import assert from "node:assert/strict";
import { type AmlDeps, AmlInputError, AmlJobSpecError, AmlRequestError, type AmlWorkspaceRef, cancelAmlRun, triggerAmlRun, waitForAmlRun } from "../../aml";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm } from "../helpers/clients";
import { credentialFor, FAST_WAIT, startAmlSandbox } from "./aml-harness";

const TRAIN_YAML = `$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
display_name: nightly-train-v2
experiment_name: nightly-train-v2
settings:
  default_compute: azureml:cpu-cluster
  continue_on_step_failure: false
inputs:
  learning_rate: 0.01
  training_data:
    type: uri_folder
    path: azureml://datastores/workspaceblobstore/paths/train/
    mode: ro_mount
outputs:
  model:
    type: uri_folder
jobs:
  train:
    type: command
    component: azureml:train_model@latest
    inputs:
      data: \${{parent.inputs.training_data}}
      lr: \${{parent.inputs.learning_rate}}
    outputs:
      model: \${{parent.outputs.model}}
`;

describe("aml: v2 pipeline jobs through ARM against the sandbox", () => {
  let sandbox: RunningSandbox;
  let deps: AmlDeps;
  let workspace: AmlWorkspaceRef;

  before(async () => {
    ({ sandbox, deps, workspace } = await startAmlSandbox(600));
  });
  after(() => sandbox.close());

  it("submits a job from a YAML spec, converted to the ARM PipelineJob shape, and waits for Completed", async () => {
    const run = await triggerAmlRun({ action: "job", workspace, jobSpec: TRAIN_YAML, parameters: { learning_rate: 0.2 } }, deps);
    assert.deepEqual([run.kind, run.status, run.experimentName], ["job", "NotStarted", "nightly-train-v2"]);
    assert.match(run.studioUrl, new RegExp(`^${sandbox.origin}/runs/${run.runId}\\?wsid=.*/workspaces/mlw-secure&tid=`));
    const seen: string[] = [];
    const final = await waitForAmlRun(run, deps, { ...FAST_WAIT, onProgress: (r) => seen.push(r.status) });
    assert.equal(final.status, "Completed");
    assert.ok(seen.includes("Running"), seen.join(", "));

    const stored = await rawArm(sandbox, credentialFor(sandbox), "GET", `${workspace.id}/jobs/${run.runId}?api-version=2024-04-01`);
    const props = stored.json.properties;
    assert.equal(props.jobType, "Pipeline");
    assert.deepEqual(props.inputs.learning_rate, { jobInputType: "literal", value: "0.2" });
    assert.deepEqual(props.inputs.training_data, {
      jobInputType: "uri_folder",
      uri: "azureml://datastores/workspaceblobstore/paths/train/",
      mode: "ReadOnlyMount",
    });
    assert.equal(props.settings.default_compute, `${workspace.id}/computes/cpu-cluster`);
    assert.equal(props.jobs.train.inputs.data.value, "${{parent.inputs.training_data}}");
    assert.equal(props.jobs.train.componentId, `${workspace.id}/components/train_model/versions/1`, "@latest resolved to the container's latestVersion");
    assert.equal(props.jobs.train.component, undefined);
    assert.equal(props.services.Studio.endpoint, final.studioUrl);
  });

  it("takes a JSON spec too, with the experiment name from the task input", async () => {
    const spec = JSON.stringify({ type: "pipeline", jobs: { step: { type: "command", component: "azureml:train_model:1" } } });
    const run = await triggerAmlRun({ action: "job", workspace, jobSpec: spec, experimentName: "from-input" }, deps);
    assert.equal(run.experimentName, "from-input");
    assert.equal((await waitForAmlRun(run, deps, FAST_WAIT)).status, "Completed");
  });

  it("returns a Failed job as Failed", async () => {
    sandbox.aml.setFailingExperiment("doomed");
    const run = await triggerAmlRun({ action: "job", workspace, jobSpec: TRAIN_YAML, experimentName: "doomed" }, deps);
    assert.equal((await waitForAmlRun(run, deps, FAST_WAIT)).status, "Failed");
  });

  it("cancels a job: CancelRequested at once, then Canceled in the sandbox's state and in the next poll", async () => {
    const run = await triggerAmlRun({ action: "job", workspace, jobSpec: TRAIN_YAML }, deps);
    const requested = await cancelAmlRun(run, deps);
    assert.ok(["CancelRequested", "Canceled"].includes(requested.status), requested.status);
    const final = await waitForAmlRun(run, deps, FAST_WAIT);
    assert.equal(final.status, "Canceled");
    assert.equal(sandbox.aml.runs().find((r) => r.runId === run.runId)?.status, "Canceled");
  });

  it("names the line of a broken YAML spec, and of a spec that is not a pipeline", async () => {
    const broken = "type: pipeline\njobs:\n  train:\n    type: command\n   inputs: [\n";
    const error = await triggerAmlRun({ action: "job", workspace, jobSpec: broken }, deps).catch((e: unknown) => e);
    assert.ok(error instanceof AmlJobSpecError, String(error));
    assert.match(error.message, /^job spec line \d+: /);
    const command = await triggerAmlRun({ action: "job", workspace, jobSpec: "jobs: {}\n\ntype: command\n" }, deps).catch((e: unknown) => e);
    assert.ok(command instanceof AmlJobSpecError);
    assert.equal(command.line, 3);
    assert.match(command.message, /type is 'command'; the task submits pipeline jobs/);
  });

  it("refuses a parameter that is not an input of the job, naming the inputs it has", async () => {
    await assert.rejects(triggerAmlRun({ action: "job", workspace, jobSpec: TRAIN_YAML, parameters: { epochs: 3 } }, deps), (e: unknown) => {
      assert.ok(e instanceof AmlInputError);
      assert.equal(e.message, "parameter 'epochs' is not an input of the pipeline job (its inputs: learning_rate, training_data)");
      return true;
    });
  });

  it("surfaces ARM's refusal of a compute that does not exist", async () => {
    const spec = TRAIN_YAML.replace("azureml:cpu-cluster", "azureml:gpu-missing");
    await assert.rejects(triggerAmlRun({ action: "job", workspace, jobSpec: spec }, deps), (e: unknown) => {
      assert.ok(e instanceof AmlRequestError, String(e));
      assert.match(e.message, /HTTP 400 UserError: .*compute '.*gpu-missing' was not found in workspace mlw-secure/);
      return true;
    });
  });
});
