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
  const job = buildPipelineJob(request.jobSpec, { workspaceId: workspaceId(call), experimentName: request.experimentName, parameters: request.parameters });
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
