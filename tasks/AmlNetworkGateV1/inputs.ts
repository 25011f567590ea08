import * as tl from "azure-pipelines-task-lib/task";
import type { PipelineAction } from "../../aml/types";
import type { FailOn } from "../../readiness/finding";


export interface TriggerInputs {
  action: PipelineAction;
  pipelineId?: string;
  pipelineEndpointId?: string;
  pipelineVersion?: string;
  jobFile?: string;
  experimentName?: string;
  parametersText?: string;
  waitForCompletion: boolean;
  timeoutMinutes: number;
  pollIntervalSeconds: number;
}

export interface TaskInputs {
  connectionId: string;
  /** A full resource ID, or a name to combine with `resourceGroup` and the connection's subscription. */
  workspace: string;
  resourceGroup?: string;
  agentVnetId?: string;
  failOn: FailOn;
  probe: boolean;
  dnsServer?: string;
  trigger: TriggerInputs;
}

export class InputError extends Error {}

function choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = tl.getInput(name, false) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new InputError(`Input '${name}' is '${value}'; use one of: ${allowed.join(", ")}.`);
  return value as T;
}

function optional(name: string): string | undefined {
  const value = tl.getInput(name, false)?.trim();
  return value ? value : undefined;
}

function requiredFor(action: PipelineAction, name: string): string {
  const value = optional(name);
  if (!value) throw new InputError(`Input '${name}' is required when pipelineAction is '${action}'.`);
  return value;
}

/** Reads and validates every input into one typed object; the rest of the task never calls getInput. */
export function readInputs(): TaskInputs {
  const action = choice("pipelineAction", ["none", "publishedPipeline", "pipelineEndpoint", "job"] as const, "none");
  const timeoutText = optional("timeoutMinutes") ?? "60";
  const timeoutMinutes = Number(timeoutText);
  if (!Number.isFinite(timeoutMinutes) || timeoutMinutes <= 0 || timeoutMinutes > 7 * 24 * 60) throw new InputError(`Input 'timeoutMinutes' is '${timeoutText}'; use a positive number of minutes, at most 10080 (fractions allowed).`);
  const pollText = optional("pollIntervalSeconds") ?? "15";
  const pollIntervalSeconds = Number(pollText);
  if (!Number.isFinite(pollIntervalSeconds) || pollIntervalSeconds <= 0 || pollIntervalSeconds > 3600) throw new InputError(`Input 'pollIntervalSeconds' is '${pollText}'; use a positive number of seconds, at most 3600 (fractions allowed).`);
  const trigger: TriggerInputs = { action, waitForCompletion: tl.getBoolInput("waitForCompletion", false) || optional("waitForCompletion") === undefined, timeoutMinutes, pollIntervalSeconds };
  if (action === "publishedPipeline") trigger.pipelineId = requiredFor(action, "pipelineId");
  if (action === "pipelineEndpoint") {
    trigger.pipelineEndpointId = requiredFor(action, "pipelineEndpointId");
    trigger.pipelineVersion = optional("pipelineVersion");
  }
  if (action === "job") trigger.jobFile = tl.getPathInput("jobFile", true, true);
  if (action !== "none") {
    trigger.experimentName = optional("experimentName");
    trigger.parametersText = optional("parameters");
    if (action !== "job" && !trigger.experimentName) throw new InputError(`Input 'experimentName' is required when pipelineAction is '${action}'.`);
  }
  return {
    connectionId: tl.getInput("azureSubscription", true) as string,
    workspace: (tl.getInput("workspace", true) as string).trim(),
    resourceGroup: optional("resourceGroup"),
    agentVnetId: optional("agentVnet"),
    failOn: choice("failOn", ["error", "warning", "never"] as const, "error"),
    probe: optional("probe") === undefined ? true : tl.getBoolInput("probe", false),
    dnsServer: optional("dnsServer"),
    trigger,
  };
}

/** The workspace resource ID from the inputs: as given, or built from the connection's subscription, group and name. */
export function workspaceIdFrom(inputs: TaskInputs, subscriptionId: string): string {
  if (inputs.workspace.startsWith("/")) return inputs.workspace;
  if (!inputs.resourceGroup) throw new InputError(`Input 'workspace' is '${inputs.workspace}', a name: set 'resourceGroup' too, or give the workspace's full resource ID.`);
  return `/subscriptions/${subscriptionId}/resourceGroups/${inputs.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${inputs.workspace}`;
}
