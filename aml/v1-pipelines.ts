import { AmlEndpoints, discoverAmlEndpoints, studioRunUrl, workspacePath } from "./discovery";
import { AmlInputError, AmlNotFoundError } from "./errors";
import { amlJson, AmlCall, currentToken, decodeClaims } from "./http";
import type { AmlRun, AmlRunStatus, AmlTriggerRequest } from "./types";

/**
 * SDK v1 pipelines over the AML REST API (what azureml-pipeline-core and a published pipeline's REST endpoint use):
 * GET .../PublishedPipelines/{id}, POST .../PipelineRuns/PipelineSubmit/{id}; GET .../PipelineEndpoints/{id},
 * POST .../PipelineRuns/PipelineEndpointSubmit/Id/{id}[?pipelineVersion=]; status from run history
 * GET /history/v1.0/.../experiments/{experiment}/runs/{runId}; cancel POST .../PipelineRuns/{runId}/Cancel.
 */

interface PipelineEntity {
  Id: string;
  Name?: string;
  Url?: string;
}

interface PipelineEndpointEntity {
  Id: string;
  Name?: string;
  DefaultVersion?: string;
  PipelineVersionList?: Array<{ Version?: string; PipelineId?: string }>;
  Url?: string;
}

interface PipelineRunEntity {
  Id: string;
  Status?: { StatusCode?: string };
  RunHistoryExperimentName?: string;
  ExperimentName?: string;
  PipelineId?: string;
}

const KNOWN_STATUSES: readonly AmlRunStatus[] = [
  "NotStarted",
  "Queued",
  "Preparing",
  "Provisioning",
  "Starting",
  "Running",
  "Finalizing",
  "CancelRequested",
  "Completed",
  "Finished",
  "Failed",
  "Canceled",
  "NotResponding",
  "Paused",
  "Unknown",
];

export function toStatus(value: unknown): AmlRunStatus {
  return KNOWN_STATUSES.find((s) => s === value) ?? "Unknown";
}

async function pipelinesBase(call: AmlCall): Promise<{ endpoints: AmlEndpoints; base: string }> {
  const endpoints = await discoverAmlEndpoints(call);
  return { endpoints, base: `${endpoints.api}/pipelines/v1.0${workspacePath(call.workspace)}` };
}

export async function submitPublishedPipeline(call: AmlCall, request: AmlTriggerRequest): Promise<AmlRun> {
  const id = required(request.pipelineId, "pipelineId", "publishedPipeline");
  const { endpoints, base } = await pipelinesBase(call);
  const subject = { what: `published pipeline '${id}'`, doing: "read published pipelines" };
  const pipeline = await amlJson<PipelineEntity>(call, "GET", `${base}/PublishedPipelines/${encodeURIComponent(id)}`, subject);
  const experimentName = request.experimentName || experimentFrom(pipeline.Name ?? id);
  const url = pipeline.Url?.startsWith("https://") ? pipeline.Url : `${base}/PipelineRuns/PipelineSubmit/${encodeURIComponent(id)}`;
  const entity = await amlJson<PipelineRunEntity>(call, "POST", url, { ...subject, doing: "submit runs" }, submission(experimentName, request.parameters));
  return toRun(call, "publishedPipeline", entity, experimentName, endpoints);
}

export async function submitPipelineEndpoint(call: AmlCall, request: AmlTriggerRequest): Promise<AmlRun> {
  const id = required(request.pipelineEndpointId, "pipelineEndpointId", "pipelineEndpoint");
  const { endpoints, base } = await pipelinesBase(call);
  const subject = { what: `pipeline endpoint '${id}'`, doing: "read pipeline endpoints" };
  const endpoint = await amlJson<PipelineEndpointEntity>(call, "GET", `${base}/PipelineEndpoints/${encodeURIComponent(id)}`, subject);
  const versions = (endpoint.PipelineVersionList ?? []).map((v) => v.Version ?? "");
  if (request.pipelineVersion && !versions.includes(request.pipelineVersion)) {
    throw new AmlNotFoundError(
      `version '${request.pipelineVersion}' of pipeline endpoint '${endpoint.Name ?? id}' not found in workspace ${call.workspace.name} (versions: ${versions.join(", ") || "none"}; default ${endpoint.DefaultVersion ?? "none"})`,
    );
  }
  const experimentName = request.experimentName || experimentFrom(endpoint.Name ?? id);
  const query = request.pipelineVersion ? `?pipelineVersion=${encodeURIComponent(request.pipelineVersion)}` : "";
  const url = `${base}/PipelineRuns/PipelineEndpointSubmit/Id/${encodeURIComponent(id)}${query}`;
  const entity = await amlJson<PipelineRunEntity>(call, "POST", url, { ...subject, doing: "submit runs" }, submission(experimentName, request.parameters));
  return toRun(call, "pipelineEndpoint", entity, experimentName, endpoints);
}

/** The run as run history reports it now (Completed, not AEVA's Finished, once it is done). */
export async function refreshV1Run(call: AmlCall, run: AmlRun): Promise<AmlRun> {
  const api = run.apiBase ?? (await discoverAmlEndpoints(call)).api;
  const url = `${api}/history/v1.0${workspacePath(run.workspace)}/experiments/${encodeURIComponent(run.experimentName)}/runs/${encodeURIComponent(run.runId)}`;
  const current = await amlJson<{ status?: string }>(call, "GET", url, {
    what: `run '${run.runId}' of experiment '${run.experimentName}'`,
    doing: "read runs",
  });
  return { ...run, status: toStatus(current?.status) };
}

export async function cancelV1Run(call: AmlCall, run: AmlRun): Promise<void> {
  const api = run.apiBase ?? (await discoverAmlEndpoints(call)).api;
  const url = `${api}/pipelines/v1.0${workspacePath(run.workspace)}/PipelineRuns/${encodeURIComponent(run.runId)}/Cancel`;
  await amlJson<unknown>(call, "POST", url, { what: `pipeline run '${run.runId}'`, doing: "cancel runs" });
}

/** The SubmitPipelineRunRequest body; parameter values are sent as strings (the service's Dictionary<string, string>). */
function submission(experimentName: string, parameters: Record<string, unknown> | undefined): Record<string, unknown> {
  const assignments = Object.fromEntries(Object.entries(parameters ?? {}).map(([k, v]) => [k, v === null || v === undefined ? "" : String(v)]));
  return { ExperimentName: experimentName, ParameterAssignments: assignments, RunSource: "API" };
}

async function toRun(
  call: AmlCall,
  kind: "publishedPipeline" | "pipelineEndpoint",
  entity: PipelineRunEntity,
  experimentName: string,
  endpoints: AmlEndpoints,
): Promise<AmlRun> {
  if (!entity?.Id) throw new AmlInputError(`the ${kind} submission to workspace ${call.workspace.name} returned no run ID`);
  const tenantId = decodeClaims(await currentToken(call.deps)).tid;
  return {
    kind,
    runId: entity.Id,
    status: toStatus(entity.Status?.StatusCode ?? "NotStarted"),
    studioUrl: studioRunUrl(endpoints.studio, call.workspace, entity.Id, typeof tenantId === "string" ? tenantId : undefined),
    experimentName: entity.RunHistoryExperimentName || entity.ExperimentName || experimentName,
    workspace: call.workspace,
    apiBase: endpoints.api,
    pipelineId: entity.PipelineId,
  };
}

/** An experiment name AML accepts (letters, digits, '-', '_'; up to 255) from a pipeline's name. */
export function experimentFrom(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^[-_]+/, "")
    .slice(0, 255);
  return cleaned || "Default";
}

export function required(value: string | undefined, input: string, action: string): string {
  const trimmed = value?.trim();
  if (!trimmed) throw new AmlInputError(`pipelineAction '${action}' needs the '${input}' input`);
  return trimmed;
}
