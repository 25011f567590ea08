import { randomUUID } from "node:crypto";
import { json, parseJsonBody, SandboxResponse } from "../http/message";
import { AmlHttpError, AmlRequestContext } from "./aml-context";
import type { PublishedPipelineRecord } from "./aml-state";
import { pipelineEndpointView, pipelineRunView, publishedPipelineView } from "./aml-views";

/** RBAC actions the AML data plane checks (AzureML Data Scientist grants them; Reader only the reads). */
export const AML_ACTIONS = {
  readPipelines: "Microsoft.MachineLearningServices/workspaces/endpoints/pipelines/read",
  readRuns: "Microsoft.MachineLearningServices/workspaces/experiments/runs/read",
  submitRuns: "Microsoft.MachineLearningServices/workspaces/experiments/runs/submit/action",
  writeRuns: "Microsoft.MachineLearningServices/workspaces/experiments/runs/write",
};

const EXPERIMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;

/**
 * SDK v1 pipelines (the service azureml-pipeline-core calls, /pipelines/v1.0/.../workspaces/{ws}/...):
 *   GET  PublishedPipelines/{id}                          -> PipelineEntity
 *   POST PipelineRuns/PipelineSubmit/{pipelineId}          -> PipelineRunEntity (a published pipeline's REST endpoint)
 *   GET  PipelineEndpoints/{id}                            -> PipelineEndpointEntity
 *   POST PipelineRuns/PipelineEndpointSubmit/Id/{id}[?pipelineVersion=v] -> PipelineRunEntity (default version when none)
 *   GET  PipelineRuns/{runId}                              -> PipelineRunEntity
 *   POST PipelineRuns/{runId}/Cancel, DELETE PipelineRuns/{runId}/Execution -> 200
 */
export function handlePipelines(ctx: AmlRequestContext): SandboxResponse {
  const { req, rest } = ctx;
  const lower = rest.map((s) => s.toLowerCase());
  const method = req.method;
  if (method === "GET" && lower[0] === "publishedpipelines" && rest.length === 2) {
    ctx.authorize(AML_ACTIONS.readPipelines);
    return json(200, publishedPipelineView(req.origin, ctx.region, requirePipeline(ctx, rest[1])));
  }
  if (method === "GET" && lower[0] === "pipelineendpoints" && rest.length === 2) {
    ctx.authorize(AML_ACTIONS.readPipelines);
    return json(200, pipelineEndpointView(req.origin, ctx.region, requireEndpoint(ctx, rest[1])));
  }
  if (lower[0] === "pipelineruns") {
    if (method === "POST" && lower[1] === "pipelinesubmit" && rest.length === 3) return submit(ctx, requirePipeline(ctx, rest[2]));
    if (method === "POST" && lower[1] === "pipelineendpointsubmit" && lower[2] === "id" && rest.length === 4) return submitToEndpoint(ctx, rest[3]);
    if (method === "GET" && rest.length === 2) {
      ctx.authorize(AML_ACTIONS.readRuns);
      return json(200, pipelineRunView(ctx.state, requireRun(ctx, rest[1])));
    }
    const cancel = (method === "POST" && lower[2] === "cancel") || (method === "DELETE" && lower[2] === "execution");
    if (cancel && rest.length === 3) {
      ctx.authorize(AML_ACTIONS.writeRuns);
      ctx.state.cancel(requireRun(ctx, rest[1]));
      return { status: 200 };
    }
  }
  throw new AmlHttpError(404, "UserError", "NotFound", `No pipelines route answers ${method} ${req.url.pathname}.`);
}

function requirePipeline(ctx: AmlRequestContext, id: string): PublishedPipelineRecord {
  const pipeline = ctx.state.publishedPipeline(ctx.workspaceId, id);
  if (!pipeline) throw new AmlHttpError(404, "UserError", "EntityNotFound", `Pipeline with id ${id} not found in workspace ${ctx.workspaceName}.`);
  return pipeline;
}

function requireEndpoint(ctx: AmlRequestContext, id: string) {
  const endpoint = ctx.state.pipelineEndpoint(ctx.workspaceId, id);
  if (!endpoint) throw new AmlHttpError(404, "UserError", "EntityNotFound", `PipelineEndpoint with id ${id} not found in workspace ${ctx.workspaceName}.`);
  return endpoint;
}

function requireRun(ctx: AmlRequestContext, runId: string) {
  const run = ctx.state.run(ctx.workspaceId, runId);
  if (!run || run.kind !== "pipelineRun")
    throw new AmlHttpError(404, "UserError", "EntityNotFound", `PipelineRun with id ${runId} not found in workspace ${ctx.workspaceName}.`);
  return run;
}

function submitToEndpoint(ctx: AmlRequestContext, endpointId: string): SandboxResponse {
  const endpoint = requireEndpoint(ctx, endpointId);
  const requested = ctx.req.url.searchParams.get("pipelineVersion") ?? endpoint.defaultVersion;
  const version = endpoint.versions.find((v) => v.version === requested);
  if (!version) {
    throw new AmlHttpError(
      400,
      "UserError",
      "BadArgument",
      `Version ${requested} does not exist in PipelineEndpoint ${endpoint.name}; versions: ${endpoint.versions.map((v) => v.version).join(", ")}.`,
    );
  }
  return submit(ctx, requirePipeline(ctx, version.pipelineId), endpoint.id);
}

/** The SubmitPipelineRunRequest body: ExperimentName (required), ParameterAssignments, DataPathAssignments, RunSource, Description. */
function submit(ctx: AmlRequestContext, pipeline: PublishedPipelineRecord, endpointId?: string): SandboxResponse {
  ctx.authorize(AML_ACTIONS.submitRuns);
  const body = readSubmission(ctx);
  const experimentName = body.ExperimentName;
  if (typeof experimentName !== "string" || !experimentName)
    throw new AmlHttpError(400, "UserError", "BadArgument", "ExperimentName is required to submit a pipeline run.");
  if (!EXPERIMENT_NAME.test(experimentName)) {
    throw new AmlHttpError(
      400,
      "UserError",
      "BadArgument",
      `ExperimentName '${experimentName}' is invalid: use letters, digits, '-' and '_' (up to 255 characters), starting with a letter or digit.`,
    );
  }
  const parameters = { ...pipeline.parameters, ...assignments(body.ParameterAssignments, pipeline) };
  const run = ctx.state.submitRun({
    runId: randomUUID(),
    kind: "pipelineRun",
    workspaceId: ctx.workspaceId,
    experimentName,
    submittedBy: { objectId: ctx.app.objectId, clientId: ctx.app.clientId, tenantId: ctx.tenantId },
    pipelineId: pipeline.id,
    pipelineEndpointId: endpointId,
    parameters,
    runSource: typeof body.RunSource === "string" ? body.RunSource : "API",
    description: typeof body.Description === "string" ? body.Description : undefined,
    failRuns: pipeline.failRuns,
  });
  return json(200, pipelineRunView(ctx.state, run));
}

function readSubmission(ctx: AmlRequestContext): Record<string, unknown> {
  let body: unknown;
  try {
    body = parseJsonBody(ctx.req);
  } catch (error) {
    throw new AmlHttpError(400, "UserError", "BadArgument", `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new AmlHttpError(400, "UserError", "BadArgument", "The request body must be a JSON object with ExperimentName.");
  return body as Record<string, unknown>;
}

function assignments(value: unknown, pipeline: PublishedPipelineRecord): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new AmlHttpError(400, "UserError", "BadArgument", "ParameterAssignments must be an object of name: value.");
  const result: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (!(name in pipeline.parameters)) {
      const known = Object.keys(pipeline.parameters).join(", ") || "(none)";
      throw new AmlHttpError(400, "UserError", "BadArgument", `Parameter '${name}' is not a parameter of pipeline ${pipeline.name}; its parameters: ${known}.`);
    }
    if (typeof v === "object" && v !== null)
      throw new AmlHttpError(400, "UserError", "BadArgument", `Parameter '${name}' must be a string, number or boolean.`);
    result[name] = String(v);
  }
  return result;
}
