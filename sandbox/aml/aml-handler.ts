import { ArmError } from "../arm/arm-error";
import { authorize } from "../arm/rbac";
import { Handler, headerValue, json, SandboxRequest, SandboxResponse } from "../http/message";
import { AmlHttpError, AmlRequestContext, AmlServices } from "./aml-context";
import { handleHistory } from "./aml-history-routes";
import { handlePipelines } from "./aml-pipeline-routes";
import type { AmlState } from "./aml-state";
import { amlError, apiBase } from "./aml-views";
import { handleJobAction, isJobActionPath } from "./job-cancel";
import { trackedLocation } from "../arm/types/common";

/** Audiences the AML data plane accepts: ARM tokens (what SDK v1 and the REST docs use) and Azure ML's own. */
export const AML_AUDIENCES = ["https://management.azure.com/", "https://management.core.windows.net/", "https://ml.azure.com/"];

/**
 * The AML data plane at `<origin>/aml/<region>` (in Azure, https://<region>.api.azureml.ms): discovery, SDK v1
 * pipelines (/pipelines/v1.0, also reachable as /api/v1.0), run history (/history/v1.0) and studio run links;
 * plus the v2 job cancel action and its operation result under ARM paths (see job-cancel.ts).
 */
export function createAmlHandler(services: AmlServices): Handler {
  return (req) => {
    if (isJobActionPath(req.url.pathname)) return handleJobAction(req, services);
    const studio = /^\/runs\/([^/]+)$/.exec(req.url.pathname);
    if (studio && req.method === "GET") {
      try {
        return studioRun(services.state, safeDecode(studio[1]));
      } catch (error) {
        if (error instanceof AmlHttpError) return amlError(error.status, error.code, error.innerCode, error.message, "studio");
        throw error;
      }
    }
    const match = /^\/aml\/([a-z0-9]+)(\/.*)?$/i.exec(req.url.pathname);
    if (!match) return undefined;
    const region = match[1].toLowerCase();
    const segments = (match[2] ?? "").split("/").filter(Boolean).map(safeDecode);
    try {
      return route(req, services, region, segments);
    } catch (error) {
      if (error instanceof AmlHttpError)
        return amlError(error.status, error.code, error.innerCode, error.message, region, error.status === 401 ? wwwAuthenticate(req, services) : {});
      throw error;
    }
  };
}

function route(req: SandboxRequest, services: AmlServices, region: string, segments: string[]): SandboxResponse {
  const [first, second] = segments.map((s) => s.toLowerCase());
  if (first === "discovery" && segments.length === 1) return discovery(req, region);
  const service = first === "pipelines" || first === "api" ? "pipelines" : first === "history" ? "history" : undefined;
  if (!service || second !== "v1.0") throw new AmlHttpError(404, "UserError", "NotFound", `No AML service answers ${req.method} ${req.url.pathname}.`);
  const context = authenticate(req, services, region, segments.slice(2));
  return service === "pipelines" ? handlePipelines(context) : handleHistory(context);
}

/**
 * GET <region>.api.azureml.ms/discovery: the base URL of each AML service (anonymous, as in Azure). The real document
 * lists service base URLs only and no "studio" key (review in issue 9, item 8d): clients take the studio from the cloud.
 */
function discovery(req: SandboxRequest, region: string): SandboxResponse {
  if (req.method !== "GET") throw new AmlHttpError(405, "UserError", "MethodNotAllowed", `${req.method} is not allowed on discovery.`);
  const base = apiBase(req.origin, region);
  const keys = ["api", "catalog", "experimentation", "gallery", "history", "hyperdrive", "labeling", "modelmanagement", "pipelines", "studiocoreservices"];
  return json(200, Object.fromEntries(keys.map((k) => [k, base])));
}

/** What a studio link (<studio>/runs/{id}) opens, reduced to the run's status (the sandbox has no UI). */
function studioRun(state: AmlState, runId: string): SandboxResponse {
  const run = state.findRun(runId);
  if (!run) throw new AmlHttpError(404, "UserError", "NotFound", `Run ${runId} not found.`);
  return json(200, { runId: run.runId, experimentName: run.experimentName, status: state.statusOf(run) });
}

function authenticate(req: SandboxRequest, services: AmlServices, region: string, rest: string[]): AmlRequestContext {
  const token = services.authority.verifyAccessToken(headerValue(req, "authorization"), [...AML_AUDIENCES, `${req.origin}/`]);
  if (!token.ok) throw new AmlHttpError(401, "UserError", "AuthenticationFailed", `Authentication failed: ${token.detail}`);
  const [subs, sub, rgs, rg, providers, namespace, workspaces, ws, ...tail] = rest;
  const shaped = [subs, rgs, providers, namespace, workspaces].map((s) => (s ?? "").toLowerCase()).join("/");
  if (shaped !== "subscriptions/resourcegroups/providers/microsoft.machinelearningservices/workspaces" || !ws) {
    throw new AmlHttpError(
      404,
      "UserError",
      "NotFound",
      `No AML route for ${req.url.pathname}: expected .../subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{name}/...`,
    );
  }
  const requestedId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;
  const workspace = services.arm.store.getResource(requestedId);
  if (!workspace || workspace.type !== "Microsoft.MachineLearningServices/workspaces") {
    throw new AmlHttpError(404, "UserError", "WorkspaceNotFound", `Workspace ${ws} in resource group ${rg} of subscription ${sub} was not found.`);
  }
  const location = trackedLocation(workspace);
  if (location !== region) {
    throw new AmlHttpError(
      400,
      "UserError",
      "BadArgument",
      `Workspace ${workspace.name} is in ${location}, not ${region}: use the endpoints its discoveryUrl lists.`,
    );
  }
  const app = token.app;
  return {
    req,
    state: services.state,
    region,
    workspaceId: workspace.id,
    workspaceName: workspace.name,
    tenantId: services.directory.tenantId,
    app,
    rest: tail,
    authorize(action: string) {
      try {
        authorize(app, action, workspace.id);
      } catch (error) {
        if (error instanceof ArmError) throw new AmlHttpError(403, "UserError", "AuthorizationError", error.message);
        throw error;
      }
    },
  };
}

function wwwAuthenticate(req: SandboxRequest, services: AmlServices): Record<string, string> {
  return { "www-authenticate": `Bearer authorization_uri="${req.origin}/${services.directory.tenantId}", error="invalid_token"` };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
