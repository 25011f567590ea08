import type { SandboxResponse } from "../http/message";
import { patIdentity } from "./devops-auth";
import { DevOpsContext, ok, parseId, withScope } from "./devops-context";
import { argumentError, argumentNull, methodNotAllowed } from "./devops-errors";
import { bool, int, isGuid, JsonObject, query, readObject, str } from "./devops-input";
import { ENUMS, parseEnum } from "./devops-model";
import { collection, elasticPoolJson, poolJson, queueJson } from "./devops-serialize";
import type { ElasticPoolSettings } from "./devops-state";

/**
 * _apis/distributedtask/elasticpools[/{poolId}] (location dd3c938f-835b-4971-b99a-db75a47aad43, 7.1-preview.1):
 * scale set agent pools. No azure-devops-node-api method exists; callers use raw REST.
 */
export function elasticPoolsRoute(ctx: DevOpsContext, poolSegment: string | undefined): SandboxResponse | undefined {
  const method = ctx.req.method;
  if (poolSegment === undefined) {
    if (method === "GET") return listElasticPools(ctx);
    if (method === "POST") return createElasticPool(ctx);
    return methodNotAllowed(method);
  }
  const poolId = parseId(poolSegment);
  if (poolId === undefined) return undefined;
  if (method === "GET") return getElasticPool(ctx, poolId);
  if (method === "PATCH") return updateElasticPool(ctx, poolId);
  return methodNotAllowed(method);
}

const SCALE_SET_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/[^/]+$/i;
const EMPTY_GUID = "00000000-0000-0000-0000-000000000000";

/** Reads ElasticPool/ElasticPoolSettings fields that are present; absent ones stay undefined. */
function settingsPatch(body: JsonObject): Partial<ElasticPoolSettings> {
  return {
    serviceEndpointId: str(body.serviceEndpointId),
    serviceEndpointScope: str(body.serviceEndpointScope),
    azureId: str(body.azureId),
    maxCapacity: int(body.maxCapacity),
    desiredIdle: int(body.desiredIdle),
    recycleAfterEachUse: bool(body.recycleAfterEachUse),
    maxSavedNodeCount: int(body.maxSavedNodeCount),
    osType: parseEnum(ENUMS.osType, body.osType),
    orchestrationType: parseEnum(ENUMS.orchestrationType, body.orchestrationType),
    agentInteractiveUI: bool(body.agentInteractiveUI),
    timeToLiveMinutes: int(body.timeToLiveMinutes),
  };
}

/** Validation of the merged settings; returns the 400 to send, or undefined. */
function invalidSettings(ctx: DevOpsContext, settings: ElasticPoolSettings): SandboxResponse | undefined {
  if (!isGuid(settings.serviceEndpointId) || settings.serviceEndpointId === EMPTY_GUID) {
    return argumentError("A valid service endpoint is required for an elastic pool.", "elasticPool.ServiceEndpointId");
  }
  if (!SCALE_SET_ID.test(settings.azureId)) {
    return argumentError(`'${settings.azureId}' is not a valid Azure resource ID of a virtual machine scale set.`, "elasticPool.AzureId");
  }
  if (settings.maxCapacity < 1) return argumentError("Maximum capacity must be greater than 0.", "elasticPool.MaxCapacity");
  if (settings.desiredIdle < 0 || settings.desiredIdle > settings.maxCapacity) {
    return argumentError("The number of agents to keep on standby must be between 0 and the maximum capacity.", "elasticPool.DesiredIdle");
  }
  if (settings.maxSavedNodeCount < 0 || settings.timeToLiveMinutes < 0) {
    return argumentError("Values must not be negative.", settings.maxSavedNodeCount < 0 ? "elasticPool.MaxSavedNodeCount" : "elasticPool.TimeToLiveMinutes");
  }
  const problem = ctx.state.scaleSetValidator?.(settings.azureId);
  return problem ? argumentError(problem, "elasticPool.AzureId") : undefined;
}

function defined<T extends object>(patch: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function createElasticPool(ctx: DevOpsContext): SandboxResponse {
  return withScope(ctx, "manage", () => {
    const body = readObject(ctx.req);
    if (!body) return argumentNull("elasticPool");
    const poolName = query(ctx.req, "poolName")?.trim();
    if (!poolName) return argumentNull("poolName");
    const projectId = query(ctx.req, "projectId");
    if (projectId !== undefined && !isGuid(projectId)) return argumentError(`'${projectId}' is not a valid project ID.`, "projectId");
    // Unset fields take the .NET defaults the service's binder gives them.
    const settings: ElasticPoolSettings = {
      serviceEndpointId: EMPTY_GUID,
      serviceEndpointScope: EMPTY_GUID,
      azureId: "",
      maxCapacity: 0,
      desiredIdle: 0,
      recycleAfterEachUse: false,
      maxSavedNodeCount: 0,
      osType: "windows",
      orchestrationType: "uniform",
      agentInteractiveUI: false,
      timeToLiveMinutes: 0,
      ...defined(settingsPatch(body)),
    };
    const invalid = invalidSettings(ctx, settings);
    if (invalid) return invalid;
    const flags = {
      authorizeAllPipelines: bool(query(ctx.req, "authorizeAllPipelines")) ?? false,
      autoProvisionProjectPools: bool(query(ctx.req, "autoProvisionProjectPools")) ?? false,
      projectId,
    };
    const created = ctx.state.addElasticPool(poolName, settings, flags, patIdentity(ctx.pat));
    ctx.state.onElasticPoolChange?.(created.pool.id);
    const size = ctx.state.poolSize(created.pool.id);
    return ok(ctx, {
      agentPool: poolJson(created.pool, size, ctx.organizationUrl),
      agentQueue: created.queue ? queueJson(created.queue, created.pool, size) : null,
      elasticPool: elasticPoolJson(created.elasticPool),
    });
  });
}

function listElasticPools(ctx: DevOpsContext): SandboxResponse {
  return withScope(ctx, "read", () => {
    const pools = [...ctx.state.elasticPools.values()].sort((a, b) => a.poolId - b.poolId);
    return ok(ctx, collection(pools.map(elasticPoolJson)));
  });
}

function getElasticPool(ctx: DevOpsContext, poolId: number): SandboxResponse {
  return withScope(ctx, "read", () => ok(ctx, elasticPoolJson(ctx.state.getElasticPool(poolId))));
}

function updateElasticPool(ctx: DevOpsContext, poolId: number): SandboxResponse {
  return withScope(ctx, "manage", () => {
    const body = readObject(ctx.req);
    if (!body) return argumentNull("elasticPoolSettings");
    const current = ctx.state.getElasticPool(poolId);
    const patch = defined(settingsPatch(body));
    const { poolId: _id, state: _state, offlineSince: _offline, desiredSize: _size, sizingAttempts: _attempts, ...currentSettings } = current;
    const invalid = invalidSettings(ctx, { ...currentSettings, ...patch });
    if (invalid) return invalid;
    const updated = ctx.state.updateElasticPool(poolId, patch);
    ctx.state.onElasticPoolChange?.(poolId);
    return ok(ctx, elasticPoolJson(updated));
  });
}
