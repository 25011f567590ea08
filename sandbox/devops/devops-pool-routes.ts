import type { SandboxResponse } from "../http/message";
import { patIdentity } from "./devops-auth";
import { argumentNull, methodNotAllowed } from "./devops-errors";
import { DevOpsContext, noContent, ok, parseId, requireScope, withScope } from "./devops-context";
import { bool, int, JsonObject, query, readObject, str } from "./devops-input";
import { AgentPoolRecord, ENUMS, parseEnum, parsePoolOptions } from "./devops-model";
import { collection, poolJson } from "./devops-serialize";
import type { PoolPatch } from "./devops-state";

/** _apis/distributedtask/pools[/{poolId}] (location a8c47e17-4d56-4a56-92bb-de7ea7dc65be). */
export function poolsRoute(ctx: DevOpsContext, poolSegment: string | undefined): SandboxResponse | undefined {
  const method = ctx.req.method;
  if (poolSegment === undefined) {
    if (method === "GET") return listPools(ctx);
    if (method === "POST") return addPool(ctx);
    return methodNotAllowed(method);
  }
  const poolId = parseId(poolSegment);
  if (poolId === undefined) return undefined;
  if (method === "GET") return getPool(ctx, poolId);
  if (method === "PATCH") return updatePool(ctx, poolId);
  if (method === "DELETE") return deletePool(ctx, poolId);
  return methodNotAllowed(method);
}

function render(ctx: DevOpsContext, pool: AgentPoolRecord): Record<string, unknown> {
  return poolJson(pool, ctx.state.poolSize(pool.id), ctx.organizationUrl);
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "i");
}

function listPools(ctx: DevOpsContext): SandboxResponse {
  const denied = requireScope(ctx, "read");
  if (denied) return denied;
  let pools = ctx.state.listPools();
  const poolName = query(ctx.req, "poolName");
  if (poolName) pools = pools.filter((pool) => wildcard(poolName).test(pool.name));
  const poolType = parseEnum(ENUMS.poolType, query(ctx.req, "poolType"));
  if (poolType) pools = pools.filter((pool) => pool.poolType === poolType);
  const poolIds = query(ctx.req, "poolIds");
  if (poolIds) {
    const wanted = new Set(poolIds.split(",").map((id) => Number(id.trim())));
    pools = pools.filter((pool) => wanted.has(pool.id));
  }
  // actionFilter=manage lists only the pools the caller may administer; a read-only PAT administers none.
  if (parseEnum(ENUMS.actionFilter, query(ctx.req, "actionFilter")) === "manage" && requireScope(ctx, "manage")) pools = [];
  return ok(ctx, collection(pools.map((pool) => render(ctx, pool))));
}

function getPool(ctx: DevOpsContext, poolId: number): SandboxResponse {
  return withScope(ctx, "read", () => ok(ctx, render(ctx, ctx.state.getPool(poolId))));
}

function addPool(ctx: DevOpsContext): SandboxResponse {
  return withScope(ctx, "manage", () => {
    const body = readObject(ctx.req);
    if (!body) return argumentNull("pool");
    const name = str(body.name)?.trim();
    if (!name) return argumentNull("pool.Name");
    const pool = ctx.state.addPool(
      {
        name,
        poolType: parseEnum(ENUMS.poolType, body.poolType),
        options: parsePoolOptions(body.options),
        autoProvision: bool(body.autoProvision),
        autoUpdate: bool(body.autoUpdate),
        autoSize: bool(body.autoSize),
        targetSize: int(body.targetSize),
        agentCloudId: int(body.agentCloudId),
      },
      patIdentity(ctx.pat),
    );
    return ok(ctx, render(ctx, pool));
  });
}

function poolPatch(body: JsonObject): PoolPatch {
  return {
    name: str(body.name)?.trim() || undefined,
    autoProvision: bool(body.autoProvision),
    autoUpdate: bool(body.autoUpdate),
    autoSize: bool(body.autoSize),
    targetSize: int(body.targetSize),
  };
}

function updatePool(ctx: DevOpsContext, poolId: number): SandboxResponse {
  return withScope(ctx, "manage", () => {
    const body = readObject(ctx.req);
    if (!body) return argumentNull("pool");
    return ok(ctx, render(ctx, ctx.state.updatePool(poolId, poolPatch(body))));
  });
}

function deletePool(ctx: DevOpsContext, poolId: number): SandboxResponse {
  return withScope(ctx, "manage", () => {
    ctx.state.deletePool(poolId);
    return noContent(ctx);
  });
}
