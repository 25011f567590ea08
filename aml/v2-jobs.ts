import { randomBytes } from "node:crypto";
import { workspaceParts } from "./discovery";
import { AmlInputError } from "./errors";
import { amlJson, AmlCall } from "./http";
import { buildPipelineJob } from "./job-spec";
import type { AmlRun, AmlTriggerRequest } from "./types";
import { toStatus } from "./v1-pipelines";

/**
 * v2 pipeline jobs through ARM REST (Microsoft.MachineLearningServices/workspaces/jobs): PUT submits, GET polls,
 * POST .../cancel cancels (202 + Location). Not @azure/arm-machinelearning 2.1.x: its serializer registers the asset
 * input/output subtypes under "AssetJobInput.*"/"AssetJobOutput.*" only, so a PipelineJob's uri_folder inputs and
 * every output lose their uri and mode on the way out.
 */
export const JOBS_API_VERSION = "2024-04-01";

interface JobResource {
  name?: string;
  properties?: {
    status?: string;
    experimentName?: string;
    services?: Record<string, { endpoint?: string } | null> | null;
  };
}

function jobUrl(call: AmlCall, name: string, action = ""): string {
  workspaceParts(call.workspace);
  return `${call.deps.armEndpoint.replace(/\/+$/, "")}${call.workspace.id}/jobs/${encodeURIComponent(name)}${action}?api-version=${JOBS_API_VERSION}`;
}

export async function submitPipelineJob(call: AmlCall, request: AmlTriggerRequest): Promise<AmlRun> {
  if (!request.jobSpec?.trim()) throw new AmlInputError("pipelineAction 'job' needs a job spec (the 'jobFile' input: a v2 pipeline job in YAML or JSON)");
  if (request.workspace.v1LegacyMode) {
    // "Enabling v1_legacy_mode may prevent you from using features provided by the v2 API" (@azure/arm-machinelearning
    // Workspace.v1LegacyMode); refused here before anything is submitted, as the sandbox refuses the PUT.
    const p = workspaceParts(request.workspace);
    throw new AmlInputError(
      `workspace ${p.name} is in v1 legacy mode (properties.v1LegacyMode: true), which blocks v2 APIs such as pipeline jobs: use pipelineAction 'publishedPipeline' or 'pipelineEndpoint', or turn it off with az ml workspace update --name ${p.name} --resource-group ${p.resourceGroup} --v1-legacy-mode false`,
    );
  }
  const job = buildPipelineJob(request.jobSpec, { workspaceId: workspaceId(call), experimentName: request.experimentName, parameters: request.parameters });
  for (const { step, component } of job.latestComponents) {
    const jobs = job.body.properties.jobs as Record<string, Record<string, unknown>>;
    jobs[step].componentId = await latestComponentVersion(call, component);
  }
  const name = job.name ?? newJobName();
  const created = await amlJson<JobResource>(call, "PUT", jobUrl(call, name), { what: `pipeline job '${name}'`, doing: "create jobs" }, job.body);
  return toRun(call, created, name);
}

export async function refreshPipelineJob(call: AmlCall, run: AmlRun): Promise<AmlRun> {
  const job = await amlJson<JobResource>(call, "GET", jobUrl(call, run.runId), { what: `pipeline job '${run.runId}'`, doing: "read jobs" });
  const current = toRun(call, job, run.runId);
  return { ...current, studioUrl: current.studioUrl || run.studioUrl };
}

/** Requests the cancel (ARM answers 202 + Location) without waiting for it to settle: CancelRequested, then Canceled. */
export async function cancelPipelineJob(call: AmlCall, run: AmlRun): Promise<void> {
  await amlJson<unknown>(call, "POST", jobUrl(call, run.runId, "/cancel"), { what: `pipeline job '${run.runId}'`, doing: "cancel jobs" });
}

/** azureml:<name>@latest: the component container's latestVersion (ComponentContainer, read-only, server-filled). */
async function latestComponentVersion(call: AmlCall, component: string): Promise<string> {
  const container = `${call.deps.armEndpoint.replace(/\/+$/, "")}${workspaceId(call)}/components/${encodeURIComponent(component)}`;
  const found = await amlJson<{ properties?: { latestVersion?: string | null } }>(call, "GET", `${container}?api-version=${JOBS_API_VERSION}`, {
    what: `component '${component}'`,
    doing: "read components",
  });
  const latest = found?.properties?.latestVersion;
  if (!latest)
    throw new AmlInputError(
      `component '${component}' has no version in workspace ${call.workspace.name}: register one (az ml component create) or name a version (azureml:${component}:<version>)`,
    );
  return `${workspaceId(call)}/components/${component}/versions/${latest}`;
}

function toRun(call: AmlCall, job: JobResource, name: string): AmlRun {
  return {
    kind: "job",
    runId: job?.name ?? name,
    status: toStatus(job?.properties?.status ?? "NotStarted"),
    studioUrl: job?.properties?.services?.Studio?.endpoint ?? "",
    experimentName: job?.properties?.experimentName ?? "Default",
    workspace: call.workspace,
  };
}

/** The workspace ID in its canonical form (azureml:<name> references resolve below it). */
function workspaceId(call: AmlCall): string {
  const p = workspaceParts(call.workspace);
  return `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${p.name}`;
}

/** Job names like the CLI's (letters, digits, '_'): amlvnet_<time>_<random>. */
function newJobName(): string {
  return `amlvnet_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}
