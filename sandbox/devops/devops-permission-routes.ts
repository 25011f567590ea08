import type { SandboxResponse } from "../http/message";
import { patIdentity } from "./devops-auth";
import { argumentError, argumentNull, methodNotAllowed, stateErrorResponse } from "./devops-errors";
import { DevOpsContext, ok, parseId, requireScope } from "./devops-context";
import { bool, isObject, readObject } from "./devops-input";
import type { AgentQueueRecord, ProjectRecord } from "./devops-model";
import { identityRef } from "./devops-serialize";
import { DevOpsStateError } from "./devops-state";

/** ResourcePipelinePermissions (REST docs, Pipeline Permissions - Get / Update Pipeline Permisions For Resource). */
function permissionsJson(ctx: DevOpsContext, queue: AgentQueueRecord): Record<string, unknown> {
  return {
    resource: { type: "queue", id: String(queue.id), name: null },
    pipelines: [],
    allPipelines: queue.authorizedForAllPipelines
      ? {
          authorized: true,
          authorizedBy: queue.authorizedBy ? identityRef(queue.authorizedBy, ctx.organizationUrl) : null,
          authorizedOn: (queue.authorizedOn ?? new Date()).toISOString(),
        }
      : null,
  };
}

/**
 * {project}/_apis/pipelines/pipelinePermissions/{resourceType}/{resourceId}: GET and PATCH of whether all pipelines
 * may use a protected resource. The sandbox knows one resource type, `queue` (agent queues); per-pipeline grants
 * are accepted and not kept. The real API also wants the vso.pipelineresources_manage scope for PATCH; the sandbox
 * asks for Agent Pools (manage), which its default PAT has.
 */
export function pipelinePermissionsRoute(ctx: DevOpsContext, project: ProjectRecord, resourceType: string, resourceId: string): SandboxResponse {
  if (resourceType.toLowerCase() !== "queue")
    return argumentError(`The resource type '${resourceType}' is not supported by this sandbox; use 'queue'.`, "resourceType");
  const queueId = parseId(resourceId);
  const queue = queueId === undefined ? undefined : ctx.state.queues.get(queueId);
  if (!queue || queue.projectId !== project.id)
    return stateErrorResponse(new DevOpsStateError("QueueNotFound", `Queue with id ${resourceId} does not exist or access is denied.`));
  if (ctx.req.method === "GET") {
    const denied = requireScope(ctx, "read");
    return denied ?? ok(ctx, permissionsJson(ctx, queue));
  }
  if (ctx.req.method !== "PATCH") return methodNotAllowed(ctx.req.method);
  const denied = requireScope(ctx, "manage");
  if (denied) return denied;
  const body = readObject(ctx.req);
  if (!body) return argumentNull("resourcePipelinePermissions");
  if (isObject(body.allPipelines)) {
    const authorized = bool(body.allPipelines.authorized);
    if (authorized === undefined) return argumentNull("resourcePipelinePermissions.AllPipelines.Authorized");
    queue.authorizedForAllPipelines = authorized;
    queue.authorizedBy = authorized ? patIdentity(ctx.pat) : undefined;
    queue.authorizedOn = authorized ? new Date() : undefined;
  }
  return ok(ctx, permissionsJson(ctx, queue));
}
