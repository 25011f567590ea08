import type { HttpClient } from "@azure/core-rest-pipeline";
import type { ProxyFor } from "../azure/proxy";
/** What the task's `pipelineAction` input selects. */
export type PipelineAction = "none" | "publishedPipeline" | "pipelineEndpoint" | "job";
export const PIPELINE_ACTIONS: readonly PipelineAction[] = ["none", "publishedPipeline", "pipelineEndpoint", "job"];

/** The workspace as ARM describes it (GET workspaces/{name}). */
export interface AmlWorkspaceRef {
  /** ARM resource ID. */
  id: string;
  location: string;
  /** properties.discoveryUrl; https://<location>.api.azureml.ms/discovery when empty. */
  discoveryUrl: string;
  name: string;
  /** properties.v1LegacyMode: v2 APIs (pipeline jobs) are blocked. */
  v1LegacyMode?: boolean;
  /** properties.workspaceId (a GUID) and privateLinkCount: a private-link workspace's data plane has its own host. */
  workspaceGuid?: string;
  privateLinkCount?: number;
}

export type ParameterValue = string | number | boolean | null;

export interface AmlTriggerRequest {
  action: PipelineAction;
  workspace: AmlWorkspaceRef;
  /** Published pipeline ID (publishedPipeline). */
  pipelineId?: string;
  /** Pipeline endpoint ID (pipelineEndpoint). */
  pipelineEndpointId?: string;
  /** Pipeline endpoint version; the endpoint's default version when omitted. */
  pipelineVersion?: string;
  /** YAML or JSON text of a v2 pipeline job (job). */
  jobSpec?: string;
  /** Overrides the job spec's experiment_name; defaults to the published pipeline's or endpoint's name for v1. */
  experimentName?: string;
  /** v1: ParameterAssignments; v2: literal pipeline inputs. */
  parameters?: Record<string, unknown>;
}

export interface AmlDeps {
  /** An access token for `scope` (e.g. https://management.azure.com/.default). */
  getToken(scope: string): Promise<string>;
  /** ARM endpoint without trailing slash (the service connection's URL; the sandbox's origin). */
  armEndpoint: string;
  /** The proxy for a URL (the task's agent proxy); without it, HTTPS_PROXY / NO_PROXY decide. */
  proxyFor?: ProxyFor;
  /** The cloud's studio (run links) and AML API DNS suffix (default discovery URL); Azure public cloud's when omitted. */
  studio?: string;
  apiSuffix?: string;
  /** The HTTP client under the pipeline (core-rest-pipeline's default). */
  httpClient?: HttpClient;
}

/** Statuses AML reports: run history / v2 JobStatus words, plus AEVA's Finished for a completed v1 pipeline run. */
export type AmlRunStatus =
  | "NotStarted"
  | "Queued"
  | "Preparing"
  | "Provisioning"
  | "Starting"
  | "Running"
  | "Finalizing"
  | "CancelRequested"
  | "Completed"
  | "Finished"
  | "Failed"
  | "Canceled"
  | "NotResponding"
  | "Paused"
  | "Unknown";

export const TERMINAL_STATUSES: readonly AmlRunStatus[] = ["Completed", "Finished", "Failed", "Canceled"];

export function isTerminal(status: AmlRunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function isSuccess(status: AmlRunStatus): boolean {
  return status === "Completed" || status === "Finished";
}

/** A submitted run: what the task reports, and what waitForAmlRun / cancelAmlRun need to reach it again. */
export interface AmlRun {
  kind: Exclude<PipelineAction, "none">;
  /** v1: the pipeline run ID (a GUID); v2: the job name. */
  runId: string;
  status: AmlRunStatus;
  /** The run in Azure ML studio. */
  studioUrl: string;
  experimentName: string;
  workspace: AmlWorkspaceRef;
  /** v1: the data-plane base URL from discovery (`api`). */
  apiBase?: string;
  /** v1: the published pipeline that runs (for an endpoint, the version's pipeline). */
  pipelineId?: string;
}

export interface WaitOptions {
  timeoutMs: number;
  pollIntervalMs: number;
  signal?: AbortSignal;
  /** Called after every poll with the run as it now stands. */
  onProgress?(run: AmlRun): void;
}
