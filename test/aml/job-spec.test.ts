import assert from "node:assert/strict";
import { AmlJobSpecError, buildPipelineJob } from "../../aml";

const WS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";

function specError(text: string): AmlJobSpecError {
  try {
    buildPipelineJob(text, { workspaceId: WS });
  } catch (error) {
    if (error instanceof AmlJobSpecError) return error;
    throw error;
  }
  throw new Error("expected an AmlJobSpecError");
}

describe("aml: v2 pipeline job specs to the ARM JobBase body", () => {
  it("converts the CLI's YAML: literal and asset inputs, outputs, azureml: computes and datastores, step bindings", () => {
    const yaml = [
      "type: pipeline",
      "name: fixed-name",
      "display_name: Nightly",
      "experiment_name: nightly",
      "compute: azureml:cpu-cluster",
      "settings:",
      "  default_datastore: azureml:workspaceblobstore",
      "inputs:",
      "  epochs: 10",
      "  rate: {type: number, default: 0.1}",
      "  data: {type: uri_file, path: https://example.invalid/data.csv, mode: download}",
      "outputs:",
      "  model:",
      "jobs:",
      "  train:",
      "    type: command",
      "    component: azureml:train_model:3",
      "    compute: azureml:gpu",
      "    inputs: {d: '${{parent.inputs.data}}', n: 3}",
      "    outputs: {m: '${{parent.outputs.model}}'}",
    ].join("\n");
    const job = buildPipelineJob(yaml, { workspaceId: WS, parameters: { epochs: 20 } });
    assert.equal(job.name, "fixed-name");
    const p = job.body.properties;
    assert.deepEqual([p.jobType, p.displayName, p.experimentName, p.computeId], ["Pipeline", "Nightly", "nightly", `${WS}/computes/cpu-cluster`]);
    assert.deepEqual(p.settings, {
      default_datastore: `${WS}/datastores/workspaceblobstore`,
      _source: "YAML.JOB",
      default_compute: `${WS}/computes/cpu-cluster`,
    });
    assert.deepEqual(p.inputs, {
      epochs: { jobInputType: "literal", value: "20" },
      rate: { jobInputType: "literal", value: "0.1" },
      data: { jobInputType: "uri_file", uri: "https://example.invalid/data.csv", mode: "Download" },
    });
    assert.deepEqual(p.outputs, { model: { jobOutputType: "uri_folder" } });
    assert.deepEqual(p.jobs, {
      train: {
        type: "command",
        name: "train",
        componentId: `${WS}/components/train_model/versions/3`,
        computeId: `${WS}/computes/gpu`,
        inputs: { d: { job_input_type: "literal", value: "${{parent.inputs.data}}" }, n: { job_input_type: "literal", value: "3" } },
        outputs: { m: { type: "literal", value: "${{parent.outputs.model}}" } },
        _source: "YAML.JOB",
      },
    });
  });

  it("passes an ARM JobBase JSON through, with the experiment name given", () => {
    const arm = { properties: { jobType: "Pipeline", jobs: { a: { type: "command" } }, experimentName: "x" } };
    const job = buildPipelineJob(JSON.stringify(arm), { workspaceId: WS, experimentName: "override" });
    assert.deepEqual(job.body.properties, { jobType: "Pipeline", jobs: { a: { type: "command" } }, experimentName: "override" });
  });

  it("names the line of what is wrong", () => {
    assert.equal(specError("type: pipeline\njobs:\n  a:\n    type: command\n  b: [\n").line, 6);
    assert.equal(
      specError("type: pipeline\ninputs:\n  d: {type: uri_folder}\njobs:\n  a: {type: command, component: azureml:c:1}\n").message,
      "job spec line 3: input 'd' of type uri_folder needs a path",
    );
    assert.equal(
      specError("type: pipeline\njobs:\n  a: {component: x}\n").message,
      "job spec line 3: step 'a' needs a type (command, sweep, parallel, pipeline, spark)",
    );
    assert.equal(specError("type: pipeline\n").message, "job spec line 1: a pipeline job needs 'jobs', a map of its steps");
    assert.equal(
      specError('{"properties": {"jobType": "Command"}}').message,
      `job spec line 1: properties.jobType is 'Command'; the task submits pipeline jobs ("Pipeline")`,
    );
    assert.equal(
      specError("type: pipeline\njobs:\n  train:\n    type: command\n    command: python train.py\n    environment: azureml:sklearn@latest\n").message,
      "job spec line 5: step 'train' defines its command, environment inline; the task submits steps that reference a registered component: register it (az ml component create --file <component>.yml) and set component: azureml:<name>:<version> or azureml:<name>@latest",
    );
    assert.equal(specError("type: pipeline\njobs:\n  t:\n    type: command\n    component: ./train.yml\n").line, 5);
    assert.equal(specError("- a\n").message, "job spec line 1: must be a map describing a pipeline job (type: pipeline, jobs: ...)");
  });
});
