import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { AmlAuthError, type AmlDeps, AmlInputError, AmlNotFoundError, AmlRequestError, type AmlWorkspaceRef, PipelineAction, triggerAmlRun } from "../../aml";
import { REFERENCE_AML } from "../../sandbox/aml/reference-pipelines";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlDeps, credentialFor, startAmlSandbox } from "./aml-harness";

const MISSING = "00000000-1111-4222-8333-444444444444";

describe("aml: errors that name what to fix", () => {
  let sandbox: RunningSandbox;
  let deps: AmlDeps;
  let workspace: AmlWorkspaceRef;

  before(async () => {
    ({ sandbox, deps, workspace } = await startAmlSandbox(300));
  });
  after(() => sandbox.close());

  it("reports an unknown published pipeline ID as not found in the workspace", async () => {
    const error = await triggerAmlRun({ action: "publishedPipeline", workspace, pipelineId: MISSING }, deps).catch((e: unknown) => e);
    assert.ok(error instanceof AmlNotFoundError, String(error));
    assert.match(error.message, new RegExp(`^published pipeline '${MISSING}' not found in workspace mlw-secure`));
    assert.equal(sandbox.aml.runs().length, 0, "nothing was submitted");
  });

  it("reports an unknown pipeline endpoint, and a version the endpoint does not have", async () => {
    await assert.rejects(
      triggerAmlRun({ action: "pipelineEndpoint", workspace, pipelineEndpointId: MISSING }, deps),
      (e: unknown) => e instanceof AmlNotFoundError && e.message.startsWith(`pipeline endpoint '${MISSING}' not found in workspace mlw-secure`),
    );
    await assert.rejects(
      triggerAmlRun({ action: "pipelineEndpoint", workspace, pipelineEndpointId: REFERENCE_AML.pipelineEndpointId, pipelineVersion: "7" }, deps),
      {
        name: "AmlNotFoundError",
        message: "version '7' of pipeline endpoint 'nightly-train-endpoint' not found in workspace mlw-secure (versions: 0; default 0)",
      },
    );
  });

  it("surfaces a token AML refuses (401) as an auth error naming the identity", async () => {
    const graph = credentialFor(sandbox);
    const wrongAudience = { ...deps, getToken: async () => (await graph.getToken("https://graph.microsoft.com/.default"))?.token ?? "" };
    const error = await triggerAmlRun({ action: "publishedPipeline", workspace, pipelineId: REFERENCE_AML.publishedPipelineId }, wrongAudience).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof AmlAuthError, String(error));
    assert.equal(error.status, 401);
    assert.match(
      error.message,
      new RegExp(`^Azure refused the token of the service principal with app ID ${sandbox.env.AZURE_CLIENT_ID} .* for workspace mlw-secure \\(401`),
    );
    assert.match(error.message, /wrong audience/);
    assert.match(error.message, /Check the service connection's tenant, client ID and secret/);
  });

  it("surfaces a missing role (403) as an auth error naming the identity, the action and the role to assign", async () => {
    const rg = workspace.id.split("/providers/")[0];
    const reader = sandbox.directory.addApp("aml-reader", "7a0c3c55-3c4e-4b7e-9a56-0f6f2a1d9b11", "5e2d8f61-8c1b-4d3a-b0e4-3f9a7c6d2e12", [
      { scope: rg, role: "Reader" },
    ]);
    const readerDeps = amlDeps(sandbox, credentialFor(sandbox, reader.clientId, reader.secrets[0].value));
    const error = await triggerAmlRun({ action: "publishedPipeline", workspace, pipelineId: REFERENCE_AML.publishedPipelineId }, readerDeps).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof AmlAuthError, String(error));
    assert.equal(error.status, 403);
    assert.match(
      error.message,
      new RegExp(`^the service principal with app ID ${reader.clientId} \\(object ${reader.objectId}\\) may not submit runs in workspace mlw-secure \\(403`),
    );
    assert.match(error.message, /experiments\/runs\/submit\/action/);
    assert.match(error.message, /Assign it the "AzureML Data Scientist" role \(or Contributor\)/);
    const job = await triggerAmlRun(
      { action: "job", workspace, jobSpec: "type: pipeline\njobs:\n  a:\n    type: command\n    component: azureml:train_model:1\n" },
      readerDeps,
    ).catch((e: unknown) => e);
    assert.ok(job instanceof AmlAuthError && job.status === 403 && /may not create jobs .*AuthorizationFailed.*jobs\/write/.test(job.message), String(job));
  });

  it("refuses a missing ID, an unknown action and 'none' before any request", async () => {
    await assert.rejects(triggerAmlRun({ action: "publishedPipeline", workspace }, deps), {
      name: "AmlInputError",
      message: "pipelineAction 'publishedPipeline' needs the 'pipelineId' input",
    });
    await assert.rejects(
      triggerAmlRun({ action: "scheduled" as PipelineAction, workspace }, deps),
      (e: unknown) => e instanceof AmlInputError && /unknown pipelineAction 'scheduled'/.test(e.message),
    );
    await assert.rejects(triggerAmlRun({ action: "none", workspace }, deps), AmlInputError);
    await assert.rejects(
      triggerAmlRun({ action: "job", workspace: { ...workspace, id: "mlw-secure" }, jobSpec: "type: pipeline" }, deps),
      /is not the resource ID of an Azure ML workspace/,
    );
  });

  it("explains an unreachable data plane in terms of the private network, without retrying a refused connection", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const offline = { ...workspace, discoveryUrl: `https://127.0.0.1:${port}/aml/westeurope/discovery` };
    const started = Date.now();
    const error = await triggerAmlRun({ action: "publishedPipeline", workspace: offline, pipelineId: REFERENCE_AML.publishedPipelineId }, deps).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof AmlRequestError, String(error));
    assert.ok(
      error.message.includes(`127.0.0.1:${port} is unreachable (ECONNREFUSED). From a private network, check that the workspace's private endpoint`),
      error.message,
    );
    assert.ok(Date.now() - started < 900, "a refused connection is not retried");
  });
});
