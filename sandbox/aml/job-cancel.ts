import { checkApiVersion } from "../arm/api-versions";
import { ArmError } from "../arm/arm-error";
import { authorize } from "../arm/rbac";
import type { AppRegistration } from "../directory";
import { guidFrom } from "../http/random";
import { headerValue, json, SandboxRequest, SandboxResponse } from "../http/message";
import type { AmlServices } from "./aml-context";
import { ML_JOB } from "./job-type";
import { trackedLocation } from "../arm/types/common";

const NS = "Microsoft\\.MachineLearningServices";
const CANCEL = new RegExp(`^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/${NS}/workspaces/([^/]+)/jobs/([^/]+)/cancel$`, "i");
const RESULT = new RegExp(`^/subscriptions/([^/]+)/providers/${NS}/locations/([^/]+)/mfeOperationResults/([^/]+)$`, "i");
export const CANCEL_ACTION = "Microsoft.MachineLearningServices/workspaces/jobs/cancel/action";

/** The ARM paths this file serves ahead of the generic ARM routes (which know resources, not actions). */
export function isJobActionPath(pathname: string): boolean {
  return CANCEL.test(pathname) || RESULT.test(pathname);
}

/**
 * POST .../workspaces/{ws}/jobs/{id}/cancel: 202 with Location (.../locations/{region}/mfeOperationResults/jc:...)
 * and Retry-After, as the AML resource provider answers (and @azure/arm-machinelearning's beginCancel polls with
 * lroResourceLocationConfig "location"); GET on the Location: 202 while the job is CancelRequested, then 200.
 */
export function handleJobAction(req: SandboxRequest, services: AmlServices): SandboxResponse {
  try {
    const apiVersion = req.url.searchParams.get("api-version");
    checkApiVersion(apiVersion, "Microsoft.MachineLearningServices", "workspaces", "global");
    const app = verifyArmToken(req, services);
    const cancel = CANCEL.exec(req.url.pathname);
    if (cancel) return startCancel(req, services, app, cancel.slice(1).map(decodeURIComponent), apiVersion as string);
    const result = RESULT.exec(req.url.pathname) as RegExpExecArray;
    return pollCancel(req, services, result.slice(1).map(decodeURIComponent), apiVersion as string);
  } catch (error) {
    if (error instanceof ArmError) return json(error.status, error.toBody(), error.headers);
    throw error;
  }
}

function startCancel(req: SandboxRequest, services: AmlServices, app: AppRegistration, [sub, rg, ws, job]: string[], apiVersion: string): SandboxResponse {
  if (req.method !== "POST") throw new ArmError(405, "MethodNotAllowed", `The requested method '${req.method}' is not allowed for the cancel action.`);
  const group = services.arm.requireGroup(sub, rg);
  authorize(app, CANCEL_ACTION, `/subscriptions/${sub}/resourceGroups/${group.name}`);
  const workspaceId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;
  const workspace = services.arm.store.getResource(workspaceId);
  const resource = services.arm.store.getResource(`${workspaceId}/jobs/${job}`);
  if (!workspace || !resource || resource.type !== ML_JOB) {
    const message = `Job ${job} was not found in workspace ${ws}.`;
    throw new ArmError(404, "UserError", message, {}, [{ code: "NotFound", message }]);
  }
  const run = services.state.run(workspace.id, resource.name);
  if (run) services.state.cancel(run);
  const operationId = `jc:${guidFrom(workspace.id.toLowerCase())}:${resource.name}`;
  return { status: 202, headers: cancelHeaders(req, sub, trackedLocation(workspace), operationId, apiVersion, services) };
}

function pollCancel(req: SandboxRequest, services: AmlServices, [sub, location, operationId]: string[], apiVersion: string): SandboxResponse {
  if (req.method !== "GET") throw new ArmError(405, "MethodNotAllowed", `The requested method '${req.method}' is not allowed for operation results.`);
  const jobName = /^jc:[0-9a-f-]+:(.+)$/i.exec(operationId)?.[1];
  const run = jobName ? services.state.findRun(jobName) : undefined;
  if (!run || run.kind !== "job") throw new ArmError(404, "OperationNotFound", `The operation '${operationId}' could not be found.`);
  if (services.state.statusOf(run) === "CancelRequested") return { status: 202, headers: cancelHeaders(req, sub, location, operationId, apiVersion, services) };
  return { status: 200 };
}

function cancelHeaders(
  req: SandboxRequest,
  sub: string,
  location: string,
  operationId: string,
  apiVersion: string,
  services: AmlServices,
): Record<string, string> {
  const retryAfter = String(Math.ceil(services.state.lroMs / 4 / 1000));
  return {
    location: `${req.origin}/subscriptions/${sub}/providers/Microsoft.MachineLearningServices/locations/${location}/mfeOperationResults/${encodeURIComponent(operationId)}?api-version=${apiVersion}`,
    "retry-after": retryAfter,
  };
}

function verifyArmToken(req: SandboxRequest, services: AmlServices): AppRegistration {
  const token = services.authority.verifyAccessToken(headerValue(req, "authorization"), [
    "https://management.azure.com/",
    "https://management.core.windows.net/",
    `${req.origin}/`,
  ]);
  if (token.ok) return token.app;
  const code = token.code === "missing" ? "AuthenticationFailed" : token.code === "expired" ? "ExpiredAuthenticationToken" : "InvalidAuthenticationToken";
  throw new ArmError(401, code, token.detail, {
    "www-authenticate": `Bearer authorization_uri="${req.origin}/${services.directory.tenantId}", error="invalid_token"`,
  });
}
