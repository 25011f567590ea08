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
  /** Computes and online endpoints to judge (check --target); absent = all. */
  targets?: string[];
  failOn: FailOn;
  probe: boolean;
  dnsServer?: string;
  trigger: TriggerInputs;
}

/** A bad input; its message is already localized (tl.loc) and names the input and the fix. */
export class InputError extends Error {}

function choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = tl.getInput(name, false) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new InputError(tl.loc("InputNotAllowed", name, value, allowed.join(", ")));
  tl.debug(`input ${name} = ${value}`);
  return value as T;
}

function optional(name: string): string | undefined {
  const value = tl.getInput(name, false)?.trim();
  tl.debug(`input ${name} ${value ? `= ${value}` : "is empty"}`);
  return value ? value : undefined;
}

function requiredFor(action: PipelineAction, name: string): string {
  const value = optional(name);
  if (!value) throw new InputError(tl.loc("InputRequiredForAction", name, action));
  return value;
}

/** Reads and validates every input into one typed object; the rest of the task never calls getInput. */
export function readInputs(): TaskInputs {
  const action = choice("pipelineAction", ["none", "publishedPipeline", "pipelineEndpoint", "job"] as const, "none");
  const timeoutText = optional("timeoutMinutes") ?? "60";
  const timeoutMinutes = Number(timeoutText);
  if (!Number.isFinite(timeoutMinutes) || timeoutMinutes <= 0 || timeoutMinutes > 7 * 24 * 60) throw new InputError(tl.loc("InputTimeoutInvalid", timeoutText));
  const pollText = optional("pollIntervalSeconds") ?? "15";
  const pollIntervalSeconds = Number(pollText);
  if (!Number.isFinite(pollIntervalSeconds) || pollIntervalSeconds <= 0 || pollIntervalSeconds > 3600)
    throw new InputError(tl.loc("InputPollIntervalInvalid", pollText));
  const trigger: TriggerInputs = {
    action,
    waitForCompletion: tl.getBoolInput("waitForCompletion", false) || optional("waitForCompletion") === undefined,
    timeoutMinutes,
    pollIntervalSeconds,
  };
  if (action === "publishedPipeline") trigger.pipelineId = requiredFor(action, "pipelineId");
  if (action === "pipelineEndpoint") {
    trigger.pipelineEndpointId = requiredFor(action, "pipelineEndpointId");
    trigger.pipelineVersion = optional("pipelineVersion");
  }
  if (action === "job") trigger.jobFile = tl.getPathInput("jobFile", true, true);
  if (action !== "none") {
    trigger.experimentName = optional("experimentName");
    trigger.parametersText = optional("parameters");
    if (action !== "job" && !trigger.experimentName) throw new InputError(tl.loc("InputRequiredForAction", "experimentName", action));
  }
  return {
    connectionId: tl.getInput("azureSubscription", true) as string,
    workspace: (tl.getInput("workspace", true) as string).trim(),
    resourceGroup: optional("resourceGroup"),
    agentVnetId: optional("agentVnet"),
    targets: targetList(optional("targets")),
    failOn: choice("failOn", ["error", "warning", "never"] as const, "error"),
    probe: optional("probe") === undefined ? true : tl.getBoolInput("probe", false),
    dnsServer: optional("dnsServer"),
    trigger,
  };
}

/** `targets`: names separated by commas or new lines; empty means every compute and endpoint. */
function targetList(text: string | undefined): string[] | undefined {
  const names = (text ?? "")
    .split(/[,\n]/)
    .map((n) => n.trim())
    .filter(Boolean);
  return names.length ? names : undefined;
}

/** The workspace resource ID from the inputs: as given, or built from the connection's subscription, group and name. */
export function workspaceIdFrom(inputs: TaskInputs, subscriptionId: string): string {
  if (inputs.workspace.startsWith("/")) return inputs.workspace;
  if (!inputs.resourceGroup) throw new InputError(tl.loc("InputWorkspaceNameNeedsGroup", inputs.workspace));
  return `/subscriptions/${subscriptionId}/resourceGroups/${inputs.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${inputs.workspace}`;
}
