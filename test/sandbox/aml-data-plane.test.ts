import assert from "node:assert/strict";
import type { ClientSecretCredential } from "@azure/identity";
import { REFERENCE_AML } from "../../sandbox/aml/reference-pipelines";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { referenceNames } from "../../sandbox/scenarios/reference-topology";
import { credentialFor } from "../aml/aml-harness";
import { startTestSandbox } from "../helpers/sandbox-harness";

// AML data-plane JSON is indexed freely here, as a REST client would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Reply = { status: number; headers: Headers; json: any };

describe("sandbox: the AML data plane (discovery, SDK v1 pipelines, run history) over raw REST", () => {
  let sandbox: RunningSandbox;
  let credential: ClientSecretCredential;
  let api: string;
  let ws: string;

  async function call(method: string, url: string, body?: unknown, scope = "https://management.azure.com/.default"): Promise<Reply> {
    const token = (await credential.getToken(scope))?.token;
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
  }
  const submit = (body: unknown) => call("POST", `${api}/pipelines/v1.0${ws}/PipelineRuns/PipelineSubmit/${REFERENCE_AML.publishedPipelineId}`, body);

  before(async () => {
    sandbox = await startTestSandbox({ scenario: "reference", lroMs: 400 });
    credential = credentialFor(sandbox);
    const n = referenceNames(sandbox.env.AZURE_SUBSCRIPTION_ID);
    ws = `/subscriptions/${n.subscriptionId}/resourceGroups/${n.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${n.workspace}`;
    const workspace = await call("GET", `${sandbox.origin}${ws}?api-version=2024-04-01`);
    const discovery = await fetch(workspace.json.properties.discoveryUrl);
    assert.equal(discovery.status, 200, "discovery is anonymous, as in Azure");
    const endpoints = (await discovery.json()) as Record<string, string>;
    for (const key of ["api", "catalog", "experimentation", "gallery", "history", "hyperdrive", "labeling", "modelmanagement", "pipelines"])
      assert.ok(endpoints[key]?.startsWith(sandbox.origin), key);
    assert.equal(endpoints.studio, undefined, "the real discovery document names no studio");
    api = endpoints.api;
  });
  after(() => sandbox.close());

  it("returns the reference published pipeline and pipeline endpoint as PascalCase AEVA entities", async () => {
    const pipeline = await call("GET", `${api}/pipelines/v1.0${ws}/PublishedPipelines/${REFERENCE_AML.publishedPipelineId}`);
    assert.equal(pipeline.status, 200);
    assert.deepEqual([pipeline.json.Id, pipeline.json.Name, pipeline.json.EntityStatus], [REFERENCE_AML.publishedPipelineId, "nightly-train", "Active"]);
    assert.equal(pipeline.json.Url, `${api}/pipelines/v1.0${ws}/PipelineRuns/PipelineSubmit/${REFERENCE_AML.publishedPipelineId}`);
    const endpoint = await call("GET", `${api}/pipelines/v1.0${ws}/PipelineEndpoints/${REFERENCE_AML.pipelineEndpointId}`);
    assert.deepEqual(
      [endpoint.json.Name, endpoint.json.DefaultVersion, endpoint.json.PipelineVersionList],
      ["nightly-train-endpoint", "0", [{ Version: "0", PipelineId: REFERENCE_AML.publishedPipelineId }]],
    );
  });

  it("moves a submitted run NotStarted -> Running -> Completed in run history (Finished in the pipelines API)", async () => {
    const run = await submit({ ExperimentName: "rest-exp", ParameterAssignments: { epochs: 3 }, RunSource: "API" });
    assert.equal(run.status, 200);
    assert.deepEqual(
      [run.json.Status.StatusCode, run.json.RunHistoryExperimentName, run.json.ParameterAssignments],
      ["NotStarted", "rest-exp", { learning_rate: "0.01", epochs: "3" }],
    );
    const history = `${api}/history/v1.0${ws}/experiments/rest-exp/runs/${run.json.Id}`;
    const seen = new Set<string>();
    for (let i = 0; i < 60 && !seen.has("Completed"); i++) {
      seen.add((await call("GET", history)).json.status);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual([...seen], ["NotStarted", "Running", "Completed"]);
    const done = await call("GET", history);
    assert.deepEqual([done.json.runId, done.json.runType, typeof done.json.endTimeUtc], [run.json.Id, "azureml.PipelineRun", "string"]);
    assert.equal((await call("GET", `${api}/pipelines/v1.0${ws}/PipelineRuns/${run.json.Id}`)).json.Status.StatusCode, "Finished");
    assert.equal((await call("GET", `${api}/history/v1.0${ws}/runs/${run.json.Id}/details`)).json.status, "Completed");
    assert.equal((await call("GET", `${api}/history/v1.0${ws}/experiments/other/runs/${run.json.Id}`)).status, 404);
  });

  it("cancels through POST PipelineRuns/{id}/Cancel", async () => {
    const run = await submit({ ExperimentName: "to-cancel" });
    assert.equal((await call("POST", `${api}/pipelines/v1.0${ws}/PipelineRuns/${run.json.Id}/Cancel`)).status, 200);
    assert.equal((await call("GET", `${api}/pipelines/v1.0${ws}/PipelineRuns/${run.json.Id}`)).json.Status.StatusCode, "Canceled");
    const record = sandbox.aml.findRun(run.json.Id);
    assert.ok(record);
    assert.equal(sandbox.aml.statusOf(record), "Canceled");
  });

  it("accepts tokens for https://ml.azure.com as well as ARM tokens", async () => {
    const pipeline = await call(
      "GET",
      `${api}/pipelines/v1.0${ws}/PublishedPipelines/${REFERENCE_AML.publishedPipelineId}`,
      undefined,
      "https://ml.azure.com/.default",
    );
    assert.equal(pipeline.status, 200);
  });

  it("refuses a request without a token (401, WWW-Authenticate) and one for another audience", async () => {
    const anonymous = await fetch(`${api}/pipelines/v1.0${ws}/PublishedPipelines/${REFERENCE_AML.publishedPipelineId}`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Bearer authorization_uri=/);
    const graph = await call(
      "GET",
      `${api}/pipelines/v1.0${ws}/PublishedPipelines/${REFERENCE_AML.publishedPipelineId}`,
      undefined,
      "https://graph.microsoft.com/.default",
    );
    assert.equal(graph.status, 401);
    assert.match(graph.json.error.message, /wrong audience/);
  });

  it("answers bad submissions as AML does: 400 for a missing ExperimentName or an unknown parameter, 404 for an unknown pipeline", async () => {
    const noExperiment = await submit({ ParameterAssignments: {} });
    assert.deepEqual(
      [noExperiment.status, noExperiment.json.error.code, noExperiment.json.error.message],
      [400, "UserError", "ExperimentName is required to submit a pipeline run."],
    );
    const unknownParameter = await submit({ ExperimentName: "x", ParameterAssignments: { momentum: 0.9 } });
    assert.equal(unknownParameter.status, 400);
    assert.match(
      unknownParameter.json.error.message,
      /Parameter 'momentum' is not a parameter of pipeline nightly-train; its parameters: learning_rate, epochs/,
    );
    const unknown = await call("POST", `${api}/pipelines/v1.0${ws}/PipelineRuns/PipelineSubmit/0d000000-0000-4000-8000-000000000000`, { ExperimentName: "x" });
    assert.deepEqual([unknown.status, unknown.json.error.innerError.code], [404, "EntityNotFound"]);
    const badVersion = await call(
      "POST",
      `${api}/pipelines/v1.0${ws}/PipelineRuns/PipelineEndpointSubmit/Id/${REFERENCE_AML.pipelineEndpointId}?pipelineVersion=9`,
      { ExperimentName: "x" },
    );
    assert.equal(badVersion.status, 400);
  });

  it("refuses another region's endpoint and a workspace that does not exist", async () => {
    const wrongRegion = await call("GET", `${sandbox.origin}/aml/eastus/pipelines/v1.0${ws}/PublishedPipelines/${REFERENCE_AML.publishedPipelineId}`);
    assert.equal(wrongRegion.status, 400);
    assert.match(wrongRegion.json.error.message, /is in westeurope, not eastus/);
    const missing = await call("GET", `${api}/history/v1.0${ws.replace("mlw-secure", "mlw-nope")}/runs/x`);
    assert.deepEqual([missing.status, missing.json.error.innerError.code], [404, "WorkspaceNotFound"]);
  });
});
