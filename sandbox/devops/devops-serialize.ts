import type { AgentPoolRecord, AgentQueueRecord, AgentRecord, DevOpsIdentity, ElasticPoolRecord } from "./devops-model";
import { formatFlags } from "./devops-model";

/** JSON shapes as dev.azure.com returns them (camelCase, enums as camelCase strings, dates in ISO 8601). */

export function identityRef(identity: DevOpsIdentity, organizationUrl: string): Record<string, unknown> {
  const descriptor = `aad.${Buffer.from(identity.id).toString("base64").replace(/=+$/, "")}`;
  const avatar = `${organizationUrl}/_apis/GraphProfile/MemberAvatars/${descriptor}`;
  return {
    displayName: identity.displayName,
    url: `${organizationUrl}/_apis/Identities/${identity.id}`,
    _links: { avatar: { href: avatar } },
    id: identity.id,
    uniqueName: identity.uniqueName,
    imageUrl: avatar,
    descriptor,
  };
}

/** TaskAgentPoolReference: what queues and agents point at. */
export function poolReferenceJson(pool: AgentPoolRecord, size: number): Record<string, unknown> {
  return {
    id: pool.id,
    scope: pool.scope,
    name: pool.name,
    isHosted: pool.isHosted,
    poolType: pool.poolType,
    size,
    isLegacy: pool.isLegacy,
    options: formatFlags(pool.options),
  };
}

export function poolJson(pool: AgentPoolRecord, size: number, organizationUrl: string): Record<string, unknown> {
  return {
    createdOn: pool.createdOn.toISOString(),
    autoProvision: pool.autoProvision,
    autoUpdate: pool.autoUpdate,
    autoSize: pool.autoSize,
    targetSize: pool.targetSize,
    agentCloudId: pool.agentCloudId,
    createdBy: identityRef(pool.createdBy, organizationUrl),
    owner: identityRef(pool.owner, organizationUrl),
    ...poolReferenceJson(pool, size),
  };
}

export interface AgentViewOptions {
  includeCapabilities: boolean;
}

export function agentJson(agent: AgentRecord, organizationUrl: string, view: AgentViewOptions): Record<string, unknown> {
  const authorization: Record<string, unknown> = {
    authorizationUrl: agent.authorization.authorizationUrl,
    clientId: agent.authorization.clientId,
  };
  if (agent.authorization.publicKey) {
    authorization.publicKey = {
      exponent: agent.authorization.publicKey.exponent.toString("base64"),
      modulus: agent.authorization.publicKey.modulus.toString("base64"),
    };
  }
  const json: Record<string, unknown> = {
    _links: {
      self: { href: `${organizationUrl}/_apis/distributedtask/pools/${agent.poolId}/agents/${agent.id}` },
      web: { href: `${organizationUrl}/_settings/agentpools?agentId=${agent.id}&poolId=${agent.poolId}` },
    },
    maxParallelism: agent.maxParallelism,
    createdOn: agent.createdOn.toISOString(),
    statusChangedOn: agent.statusChangedOn.toISOString(),
    authorization,
    id: agent.id,
    name: agent.name,
    version: agent.version,
    osDescription: agent.osDescription,
    enabled: agent.enabled,
    status: agent.status,
    provisioningState: agent.provisioningState,
    accessPoint: agent.accessPoint,
  };
  if (view.includeCapabilities) {
    json.systemCapabilities = agent.systemCapabilities;
    json.userCapabilities = agent.userCapabilities;
  }
  return json;
}

export function elasticPoolJson(elasticPool: ElasticPoolRecord): Record<string, unknown> {
  const json: Record<string, unknown> = {
    poolId: elasticPool.poolId,
    serviceEndpointId: elasticPool.serviceEndpointId,
    serviceEndpointScope: elasticPool.serviceEndpointScope,
    azureId: elasticPool.azureId,
    maxCapacity: elasticPool.maxCapacity,
    desiredIdle: elasticPool.desiredIdle,
    recycleAfterEachUse: elasticPool.recycleAfterEachUse,
    maxSavedNodeCount: elasticPool.maxSavedNodeCount,
    osType: elasticPool.osType,
    orchestrationType: elasticPool.orchestrationType,
    state: elasticPool.state,
    desiredSize: elasticPool.desiredSize,
    sizingAttempts: elasticPool.sizingAttempts,
    agentInteractiveUI: elasticPool.agentInteractiveUI,
    timeToLiveMinutes: elasticPool.timeToLiveMinutes,
  };
  if (elasticPool.offlineSince) json.offlineSince = elasticPool.offlineSince.toISOString();
  return json;
}

export function queueJson(queue: AgentQueueRecord, pool: AgentPoolRecord, size: number): Record<string, unknown> {
  return { id: queue.id, projectId: queue.projectId, name: queue.name, pool: poolReferenceJson(pool, size) };
}

/** Collections come wrapped, as every Azure DevOps list does. */
export function collection(value: unknown[]): { count: number; value: unknown[] } {
  return { count: value.length, value };
}
