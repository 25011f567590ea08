import { randomUUID } from "node:crypto";
import type { SandboxResponse } from "../http/message";
import { DevOpsStateError } from "./devops-state";

const DT = "Microsoft.TeamFoundation.DistributedTask.WebApi";

/** Headers every Azure DevOps response carries (IDs are per request, not seeded: they are not state). */
export function vssHeaders(apiVersion?: string): Record<string, string> {
  const activityId = randomUUID();
  return {
    "content-type": `application/json; charset=utf-8${apiVersion ? `; api-version=${apiVersion}` : ""}`,
    ActivityId: activityId,
    "X-TFS-Session": activityId,
    "X-VSS-E2EID": randomUUID(),
  };
}

/** The service's wrapped-exception body: {"$id":"1","innerException":null,"message",...,"typeKey",...,"eventId":3000}. */
export function vssError(status: number, typeName: string, typeKey: string, message: string, extraHeaders: Record<string, string> = {}): SandboxResponse {
  return {
    status,
    headers: { ...vssHeaders(), "X-TFS-ServiceError": encodeURIComponent(message), ...extraHeaders },
    body: { $id: "1", innerException: null, message, typeName, typeKey, errorCode: 0, eventId: 3000 },
  };
}

export function distributedTaskError(status: number, typeKey: string, message: string): SandboxResponse {
  return vssError(status, `${DT}.${typeKey}, ${DT}`, typeKey, message);
}

/**
 * 401 as dev.azure.com sends it to a client that suppresses the sign-in redirect (X-TFS-FedAuthRedirect: Suppress):
 * UnauthorizedRequestException with Bearer/Basic challenges. Never echoes the credential.
 */
export function unauthorized(origin: string, tenantId: string): SandboxResponse {
  return vssError(
    401,
    "Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server",
    "UnauthorizedRequestException",
    "TF400813: Resource not available for anonymous access. Client authentication required.",
    {
      "WWW-Authenticate": `Bearer authorization_uri=${origin}/${tenantId}, Basic realm="${origin}/", TFS-Federated`,
      "X-TFS-FedAuthRealm": `${origin}/`,
      "X-TFS-FedAuthIssuer": `${origin}/`,
      "X-VSS-ResourceTenant": tenantId,
    },
  );
}

/**
 * What dev.azure.com sends a caller with missing or rejected credentials that did not ask to suppress the
 * sign-in redirect (no `X-TFS-FedAuthRedirect: Suppress`): 203 with the HTML sign-in page, not a 401.
 */
export function signInPage(organizationUrl: string): SandboxResponse {
  const html =
    `<!DOCTYPE html><html lang="en-US"><head><title>Azure DevOps Services | Sign In</title></head>` +
    `<body><p>Sign in to continue to Azure DevOps.</p><a href="${organizationUrl}/_signin">Sign in</a></body></html>`;
  const { "content-type": _json, ...ids } = vssHeaders();
  return { status: 203, headers: { ...ids, "content-type": "text/html; charset=utf-8" }, body: html };
}

/** 403 the way the distributed task service refuses pool administration: AccessDeniedException. */
export function accessDenied(userName: string, permission: "View" | "Manage"): SandboxResponse {
  return distributedTaskError(
    403,
    "AccessDeniedException",
    `Access denied. ${userName} needs ${permission} permissions to perform the action. For more information, contact the Azure DevOps Server administrator.`,
  );
}

/** What ASP.NET Web API answers when the body a controller needs is missing or unreadable. */
export function argumentNull(parameter: string): SandboxResponse {
  return vssError(400, "System.ArgumentNullException, mscorlib", "ArgumentNullException", `Value cannot be null.\r\nParameter name: ${parameter}`);
}

export function argumentError(message: string, parameter: string): SandboxResponse {
  return vssError(400, "System.ArgumentException, mscorlib", "ArgumentException", `${message}\r\nParameter name: ${parameter}`);
}

export function controllerNotFound(path: string): SandboxResponse {
  return {
    status: 404,
    headers: vssHeaders(),
    body: {
      $id: "1",
      innerException: null,
      message: `The controller for path '${path}' was not found or does not implement IController.`,
      typeName: "System.Web.HttpException, System.Web",
      typeKey: "HttpException",
      errorCode: 0,
      eventId: 0,
    },
  };
}

export function methodNotAllowed(method: string): SandboxResponse {
  return vssError(
    405,
    "System.Web.Http.HttpResponseException, System.Web.Http",
    "HttpResponseException",
    `The requested resource does not support http method '${method}'.`,
  );
}

const STATE_ERRORS: Record<DevOpsStateError["code"], { status: number; typeKey: string }> = {
  PoolNotFound: { status: 404, typeKey: "TaskAgentPoolNotFoundException" },
  PoolExists: { status: 409, typeKey: "TaskAgentPoolExistsException" },
  AgentNotFound: { status: 404, typeKey: "TaskAgentNotFoundException" },
  AgentExists: { status: 409, typeKey: "TaskAgentExistsException" },
  ElasticPoolNotFound: { status: 404, typeKey: "ElasticPoolDoesNotExistException" },
  // TaskAgentQueueExistsException → 409 Conflict and TaskAgentQueueNotFoundException → 404 in the distributed task
  // controllers' exception map (Azure DevOps Server 2022, decompiled DistributedTaskApiController); the message
  // texts (TaskResources.QueueExists / QueueNotFound) are not published: ours are worded after them.
  QueueExists: { status: 409, typeKey: "TaskAgentQueueExistsException" },
  QueueNotFound: { status: 404, typeKey: "TaskAgentQueueNotFoundException" },
};

/**
 * A project-scoped route (or GET _apis/projects/{name}) naming a project the organization does not have: 404
 * ProjectDoesNotExistWithNameException "TF200016: The following project does not exist: <name>. ..." (the wording
 * Azure DevOps clients quote, e.g. az devops / VssHttpClient callers); by GUID: ProjectDoesNotExistException VS800075.
 */
export function projectNotFound(idOrName: string): SandboxResponse {
  const core = "Microsoft.TeamFoundation.Core.WebApi";
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName)) {
    return vssError(
      404,
      `${core}.ProjectDoesNotExistException, ${core}`,
      "ProjectDoesNotExistException",
      `VS800075: The project with id 'vstfs:///Classification/TeamProject/${idOrName}' does not exist, or you do not have permission to access it.`,
    );
  }
  return vssError(
    404,
    `${core}.ProjectDoesNotExistWithNameException, ${core}`,
    "ProjectDoesNotExistWithNameException",
    `TF200016: The following project does not exist: ${idOrName}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
  );
}

/** Maps a refused state change to the service's exception; rethrows anything else. */
export function stateErrorResponse(error: unknown): SandboxResponse {
  if (!(error instanceof DevOpsStateError)) throw error;
  const { status, typeKey } = STATE_ERRORS[error.code];
  return distributedTaskError(status, typeKey, error.message);
}
