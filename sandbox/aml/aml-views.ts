import { guidFrom } from "../http/random";
import { json, SandboxResponse } from "../http/message";
import type { AmlRunStatus, AmlState, PipelineEndpointRecord, PublishedPipelineRecord, RunRecord } from "./aml-state";

/**
 * The JSON the AML data plane sends. SDK v1 pipeline entities (the "AEVA" service behind /pipelines/v1.0) are
 * PascalCase (PipelineEntity, PipelineEndpointEntity, PipelineRunEntity of azureml-pipeline-core's _restclients);
 * run history (/history/v1.0) is camelCase (the `Run` definition of azure-rest-api-specs runHistory.json).
 */

/** Where a workspace's data plane lives in the sandbox (in Azure: https://<region>.api.azureml.ms). */
export function apiBase(origin: string, region: string): string {
  return `${origin}/aml/${region}`;
}

export function workspacePath(workspaceId: string): string {
  const [, , sub, , rg, , , , ws] = workspaceId.split("/");
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;
}

/**
 * The studio link of a run, in the form ml.azure.com uses: <studio>/runs/{id}?wsid=...&tid=... The sandbox is a custom
 * cloud whose studio is its own origin (azure/cloud.ts amlStudio); it answers /runs/{id} there.
 */
export function studioRunUrl(origin: string, workspaceId: string, runId: string, tenantId: string): string {
  const [, , sub, , rg, , , , ws] = workspaceId.split("/");
  return `${origin}/runs/${encodeURIComponent(runId)}?wsid=/subscriptions/${sub}/resourcegroups/${rg}/workspaces/${ws}&tid=${tenantId}`;
}

export function publishedPipelineView(origin: string, region: string, p: PublishedPipelineRecord): Record<string, unknown> {
  const base = `${apiBase(origin, region)}/pipelines/v1.0${workspacePath(p.workspaceId)}`;
  return {
    Id: p.id,
    Name: p.name,
    Description: p.description,
    Version: p.version,
    GraphId: p.graphId,
    EntityStatus: "Active",
    Url: `${base}/PipelineRuns/PipelineSubmit/${p.id}`,
    ContinueRunOnStepFailure: false,
    EnableEmailNotification: false,
    ParameterAssignments: p.parameters,
    CreatedDate: p.createdAt,
    LastModifiedDate: p.createdAt,
    Etag: `"${guidFrom(p.id + "etag")}"`,
  };
}

export function pipelineEndpointView(origin: string, region: string, e: PipelineEndpointRecord): Record<string, unknown> {
  const base = apiBase(origin, region);
  return {
    Id: e.id,
    Name: e.name,
    Description: e.description,
    DefaultVersion: e.defaultVersion,
    PipelineVersionList: e.versions.map((v) => ({ Version: v.version, PipelineId: v.pipelineId })),
    EntityStatus: "Active",
    Url: `${base}/pipelines/v1.0${workspacePath(e.workspaceId)}/PipelineRuns/PipelineEndpointSubmit/Id/${e.id}`,
    SwaggerUrl: `${base}/pipelines/swagger/pipelineendpointsubmit/swagger.json`,
    Etag: `"${guidFrom(e.id + "etag")}"`,
  };
}

/** AEVA's PipelineRunStatusCode: Finished where run history says Completed. */
function aevaStatusCode(status: AmlRunStatus): string {
  return status === "Completed" ? "Finished" : status;
}

export function pipelineRunView(state: AmlState, run: RunRecord): Record<string, unknown> {
  const status = state.statusOf(run);
  const times = state.timesOf(run);
  return {
    Id: run.runId,
    Description: run.description ?? null,
    Status: {
      StatusCode: aevaStatusCode(status),
      StatusDetail: run.fail && status === "Failed" ? "A step of the pipeline failed." : null,
      CreationTime: new Date(run.submittedAt).toISOString(),
      EndTime: times.end ?? null,
    },
    GraphId: run.pipelineId ? guidFrom(`${run.pipelineId}/graph`) : null,
    ExperimentId: experimentId(run),
    ExperimentName: run.experimentName,
    RunHistoryExperimentName: run.experimentName,
    SubmittedBy: run.submittedBy.clientId,
    PipelineId: run.pipelineId ?? null,
    PipelineEndpointId: run.pipelineEndpointId ?? null,
    RunSource: run.runSource,
    RunType: "HTTP",
    ParameterAssignments: run.parameters,
    DataPathAssignments: {},
    Tags: {},
    Properties: {},
    EntityStatus: "Active",
  };
}

export function experimentId(run: Pick<RunRecord, "workspaceId" | "experimentName">): string {
  return guidFrom(`${run.workspaceId.toLowerCase()}/experiments/${run.experimentName.toLowerCase()}`);
}

/** Run history's `Run` (GET .../runs/{runId}) for a v1 pipeline run or a v2 job. */
export function historyRunView(state: AmlState, run: RunRecord): Record<string, unknown> {
  const status = state.statusOf(run);
  const times = state.timesOf(run);
  const view: Record<string, unknown> = {
    runNumber: Math.floor(run.submittedAt / 1000) % 100000,
    rootRunId: run.runId,
    runId: run.runId,
    runUuid: guidFrom(`${run.workspaceId.toLowerCase()}/runs/${run.runId}`),
    parentRunId: null,
    experimentId: experimentId(run),
    createdUtc: new Date(run.submittedAt).toISOString(),
    createdBy: { userObjectId: run.submittedBy.objectId, userTenantId: run.submittedBy.tenantId, userName: run.submittedBy.clientId },
    status,
    startTimeUtc: times.start ?? null,
    endTimeUtc: times.end ?? null,
    name: null,
    description: run.description ?? null,
    hidden: false,
    runType: "azureml.PipelineRun",
    properties: {
      "azureml.runsource": "azureml.PipelineRun",
      runSource: run.runSource,
      runType: run.kind === "pipelineRun" ? "HTTP" : "azureml.PipelineJob",
      ...(run.pipelineId ? { "azureml.pipelineid": run.pipelineId } : {}),
      ...(run.pipelineEndpointId ? { "azureml.pipelineEndpointId": run.pipelineEndpointId } : {}),
      "azureml.parameters": JSON.stringify(run.parameters),
    },
    tags: {},
    target: null,
  };
  if (status === "Failed")
    view.error = { error: { code: "UserError", message: "A step of the pipeline failed (sandbox: the run was set to fail)." }, time: times.end };
  return view;
}

/** AML's data-plane ErrorResponse: { error: { code, message, innerError }, correlation, environment, location, time }. */
export function amlError(
  status: number,
  code: string,
  innerCode: string,
  message: string,
  region: string,
  headers: Record<string, string> = {},
): SandboxResponse {
  const requestId = guidFrom(`${Date.now()}${Math.random()}`);
  return json(
    status,
    {
      error: {
        code,
        severity: null,
        message,
        messageFormat: null,
        messageParameters: null,
        target: null,
        details: [],
        innerError: { code: innerCode, innerError: null },
      },
      correlation: { operation: requestId.replace(/-/g, ""), request: requestId.slice(0, 16) },
      environment: region,
      location: region,
      time: new Date().toISOString(),
      componentName: "sandbox-aml",
    },
    headers,
  );
}
