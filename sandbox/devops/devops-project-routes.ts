import type { SandboxResponse } from "../http/message";
import { patIdentity } from "./devops-auth";
import { argumentError, argumentNull, methodNotAllowed, projectNotFound, stateErrorResponse } from "./devops-errors";
import { DevOpsContext, noContent, ok, parseId, requireScope, withScope } from "./devops-context";
import { bool, int, isObject, query, readObject, str } from "./devops-input";
import type { AgentQueueRecord, ProjectRecord } from "./devops-model";
import { collection, queueJson } from "./devops-serialize";
import { DevOpsStateError } from "./devops-state";

/** TeamProjectReference as GET _apis/projects lists it (REST docs, Projects - List; CoreInterfaces.TeamProjectReference). */
function projectReference(ctx: DevOpsContext, project: ProjectRecord): Record<string, unknown> {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    url: `${ctx.organizationUrl}/_apis/projects/${project.id}`,
    state: "wellFormed",
    revision: project.revision,
    visibility: project.visibility,
    lastUpdateTime: project.lastUpdateTime.toISOString(),
  };
}

/** _apis/projects[/{projectId}] (location 603fe2ac-9723-48b9-88ad-09305aa6c6e1): read only. */
export function projectsRoute(ctx: DevOpsContext, projectSegment: string | undefined): SandboxResponse | undefined {
  if (ctx.req.method !== "GET") return methodNotAllowed(ctx.req.method);
  if (projectSegment === undefined) {
    const projects = [...ctx.state.projects.values()].sort((a, b) => a.name.localeCompare(b.name));
    return ok(ctx, collection(projects.map((p) => projectReference(ctx, p))));
  }
  const project = ctx.state.findProject(projectSegment);
  if (!project) return projectNotFound(projectSegment);
  const reference = projectReference(ctx, project);
  const web = `${ctx.organizationUrl}/${encodeURIComponent(project.name)}`;
  return ok(ctx, {
    ...reference,
    _links: {
      self: { href: reference.url },
      collection: { href: `${ctx.organizationUrl}/_apis/projectCollections/${ctx.state.organizationId}` },
      web: { href: web },
    },
    defaultTeam: { id: project.id, name: `${project.name} Team`, url: `${ctx.organizationUrl}/_apis/projects/${project.id}/teams/${project.id}` },
  });
}

function render(ctx: DevOpsContext, queue: AgentQueueRecord): Record<string, unknown> {
  const pool = ctx.state.getPool(queue.poolId);
  return queueJson(queue, pool, ctx.state.poolSize(pool.id));
}

function ids(text: string | undefined): Set<number> {
  return new Set(
    (text ?? "")
      .split(",")
      .map((part) => Number(part.trim()))
      .filter((n) => Number.isInteger(n) && n > 0),
  );
}

/**
 * {project}/_apis/distributedtask/queues[/{queueId}] (location 900fa995-c559-4923-aae7-f8424fe4fbea), as
 * TaskAgentQueuesController serves it: list (queueName, queueNames, queueIds, poolIds), get, add (POST with
 * `authorizePipelines`), delete. Queue names are unique per project.
 */
export function queuesRoute(ctx: DevOpsContext, project: ProjectRecord, queueSegment: string | undefined): SandboxResponse | undefined {
  const method = ctx.req.method;
  if (queueSegment === undefined) {
    if (method === "GET") return listQueues(ctx, project);
    if (method === "POST") return addQueue(ctx, project);
    return methodNotAllowed(method);
  }
  const queueId = parseId(queueSegment);
  if (queueId === undefined) return undefined;
  if (method === "GET") {
    const denied = requireScope(ctx, "read");
    if (denied) return denied;
    const queue = ctx.state.queues.get(queueId);
    if (!queue || queue.projectId !== project.id)
      return stateErrorResponse(new DevOpsStateError("QueueNotFound", `Queue with id ${queueId} does not exist or access is denied.`));
    return ok(ctx, render(ctx, queue));
  }
  if (method === "DELETE") {
    return withScope(ctx, "manage", () => {
      ctx.state.deleteQueue(project.id, queueId);
      return noContent(ctx);
    });
  }
  return methodNotAllowed(method);
}

function listQueues(ctx: DevOpsContext, project: ProjectRecord): SandboxResponse {
  const denied = requireScope(ctx, "read");
  if (denied) return denied;
  let queues = ctx.state.queuesOf(project.id);
  const name = query(ctx.req, "queueName");
  if (name) queues = queues.filter((q) => q.name.toLowerCase() === name.toLowerCase());
  const names = query(ctx.req, "queueNames");
  if (names !== undefined) {
    const wanted = new Set(
      names
        .split(",")
        .map((n) => n.trim().toLowerCase())
        .filter(Boolean),
    );
    queues = queues.filter((q) => wanted.has(q.name.toLowerCase()));
  }
  const queueIds = query(ctx.req, "queueIds");
  if (queueIds !== undefined) queues = queues.filter((q) => ids(queueIds).has(q.id));
  const poolIds = query(ctx.req, "poolIds");
  if (poolIds !== undefined) queues = queues.filter((q) => ids(poolIds).has(q.poolId));
  return ok(ctx, collection(queues.map((q) => render(ctx, q))));
}

function addQueue(ctx: DevOpsContext, project: ProjectRecord): SandboxResponse {
  return withScope(ctx, "manage", () => {
    const body = readObject(ctx.req);
    if (!body) return argumentNull("queue");
    const poolId = isObject(body.pool) ? int(body.pool.id) : undefined;
    if (poolId === undefined) return argumentNull("queue.Pool");
    const authorize = query(ctx.req, "authorizePipelines");
    if (authorize !== undefined && bool(authorize) === undefined)
      return argumentError(`The value '${authorize}' is not valid for authorizePipelines.`, "authorizePipelines");
    const pool = ctx.state.getPool(poolId);
    // TaskAgentQueue.name may be left out: the queue is then named after its pool.
    const name = str(body.name)?.trim() || pool.name;
    const authorized = bool(authorize) ?? false;
    const queue = ctx.state.addQueue({
      name,
      poolId,
      projectId: project.id,
      authorizedForAllPipelines: authorized,
      ...(authorized ? { authorizedBy: patIdentity(ctx.pat), authorizedOn: new Date() } : {}),
    });
    return ok(ctx, render(ctx, queue));
  });
}
