import type { SandboxResponse } from "../http/message";
import { DevOpsContext, noContent, ok, parseId, withScope } from "./devops-context";
import { argumentNull, methodNotAllowed } from "./devops-errors";
import { bool, int, JsonObject, publicKey, query, readObject, str, stringMap } from "./devops-input";
import type { AgentRecord } from "./devops-model";
import { agentJson, collection } from "./devops-serialize";
import type { AgentPatch } from "./devops-state";

/** _apis/distributedtask/pools/{poolId}/agents[/{agentId}] (location e298ef32-5878-4cab-993c-043836571f42). */
export function agentsRoute(ctx: DevOpsContext, poolSegment: string, agentSegment: string | undefined): SandboxResponse | undefined {
  const poolId = parseId(poolSegment);
  if (poolId === undefined) return undefined;
  const method = ctx.req.method;
  if (agentSegment === undefined) {
    if (method === "GET") return listAgents(ctx, poolId);
    if (method === "POST") return addAgent(ctx, poolId);
    return methodNotAllowed(method);
  }
  const agentId = parseId(agentSegment);
  if (agentId === undefined) return undefined;
  if (method === "GET") return getAgent(ctx, poolId, agentId);
  if (method === "PUT") return replaceAgent(ctx, poolId, agentId);
  if (method === "PATCH") return updateAgent(ctx, poolId, agentId);
  if (method === "DELETE") return deleteAgent(ctx, poolId, agentId);
  return methodNotAllowed(method);
}

function render(ctx: DevOpsContext, agent: AgentRecord): Record<string, unknown> {
  const includeCapabilities = bool(query(ctx.req, "includeCapabilities")) ?? false;
  return agentJson(agent, ctx.organizationUrl, { includeCapabilities });
}

/** A demand is "name" (capability present) or "name -equals value", as pipelines write them. */
function meetsDemands(agent: AgentRecord, demands: string[]): boolean {
  const capabilities = new Map<string, string>();
  for (const [key, value] of Object.entries({ ...agent.systemCapabilities, ...agent.userCapabilities })) capabilities.set(key.toLowerCase(), value);
  return demands.every((demand) => {
    const match = /^\s*(\S+)\s+-equals\s+(.*?)\s*$/i.exec(demand);
    if (!match) return capabilities.has(demand.trim().toLowerCase());
    return capabilities.get(match[1].toLowerCase())?.toLowerCase() === match[2].toLowerCase();
  });
}

function listAgents(ctx: DevOpsContext, poolId: number): SandboxResponse {
  return withScope(ctx, "read", () => {
    ctx.state.getPool(poolId);
    let agents = ctx.state.agentsInPool(poolId);
    const agentName = query(ctx.req, "agentName");
    if (agentName) agents = agents.filter((agent) => agent.name.toLowerCase() === agentName.toLowerCase());
    const demands = query(ctx.req, "demands");
    if (demands)
      agents = agents.filter((agent) =>
        meetsDemands(
          agent,
          demands.split(",").filter((d) => d.trim() !== ""),
        ),
      );
    return ok(ctx, collection(agents.map((agent) => render(ctx, agent))));
  });
}

function getAgent(ctx: DevOpsContext, poolId: number, agentId: number): SandboxResponse {
  return withScope(ctx, "read", () => ok(ctx, render(ctx, ctx.state.getAgent(poolId, agentId))));
}

function agentPatch(body: JsonObject): AgentPatch {
  return {
    name: str(body.name)?.trim() || undefined,
    version: str(body.version),
    osDescription: str(body.osDescription) ?? str(body.oSDescription),
    enabled: bool(body.enabled),
    maxParallelism: int(body.maxParallelism),
    provisioningState: str(body.provisioningState),
    publicKey: publicKey(body),
    systemCapabilities: stringMap(body.systemCapabilities),
    userCapabilities: stringMap(body.userCapabilities),
  };
}

/** The agent in a POST or PUT body, which must name it; or the 400 the service answers. */
function namedAgent(ctx: DevOpsContext): (AgentPatch & { name: string }) | SandboxResponse {
  const body = readObject(ctx.req);
  if (!body) return argumentNull("agent");
  const patch = agentPatch(body);
  if (!patch.name) return argumentNull("agent.Name");
  return { ...patch, name: patch.name };
}

function addAgent(ctx: DevOpsContext, poolId: number): SandboxResponse {
  return withScope(ctx, "manage", () => {
    const agent = namedAgent(ctx);
    if ("status" in agent) return agent;
    const authorizationUrl = `${ctx.organizationUrl}/_apis/oauth2/token`;
    return ok(ctx, render(ctx, ctx.state.addAgent(poolId, { ...agent, authorizationUrl })));
  });
}

function replaceAgent(ctx: DevOpsContext, poolId: number, agentId: number): SandboxResponse {
  return withScope(ctx, "manage", () => {
    const agent = namedAgent(ctx);
    if ("status" in agent) return agent;
    return ok(ctx, render(ctx, ctx.state.replaceAgent(poolId, agentId, agent)));
  });
}

function updateAgent(ctx: DevOpsContext, poolId: number, agentId: number): SandboxResponse {
  return withScope(ctx, "manage", () => {
    const body = readObject(ctx.req);
    if (!body) return argumentNull("agent");
    return ok(ctx, render(ctx, ctx.state.updateAgent(poolId, agentId, agentPatch(body))));
  });
}

function deleteAgent(ctx: DevOpsContext, poolId: number, agentId: number): SandboxResponse {
  return withScope(ctx, "manage", () => {
    ctx.state.deleteAgent(poolId, agentId);
    return noContent(ctx);
  });
}
