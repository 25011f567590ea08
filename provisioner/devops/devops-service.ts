import type { HttpMethods } from "@azure/core-rest-pipeline";
import * as azdev from "azure-devops-node-api";
import type { ITaskAgentApi } from "azure-devops-node-api/TaskAgentApi";
import {
  TaskAgentPool,
  TaskAgentPoolActionFilter,
  TaskAgentPoolOptions,
  TaskAgentQueue,
  TaskAgentStatus,
} from "azure-devops-node-api/interfaces/TaskAgentInterfaces";
import { fetchThroughPipeline, type PlainResponse } from "../../azure/proxied-fetch";
import { sleep } from "../concurrency";
import { ProvisionerInputError, statusOf } from "../errors";
import type { AgentInfo, AgentPoolInfo, DevOpsPools, ElasticPoolInfo, ElasticPoolSettings, PoolAccess, ProjectInfo, QueueInfo } from "./devops-pools";

const ELASTIC_API_VERSION = "7.1-preview.1";

/** Turns the service's refusals into one line naming AZURE_DEVOPS_EXT_PAT and the fix; the PAT itself is never echoed. */
export function explainDevOpsError(error: unknown, organizationUrl: string, doing: string): Error {
  const status = statusOf(error);
  if (status === 401 || status === 203) {
    return new ProvisionerInputError(
      `AZURE_DEVOPS_EXT_PAT was rejected by ${organizationUrl} (401) while ${doing}: it is wrong, expired or for another organization; create a PAT with Agent Pools (read, manage) and export it`,
    );
  }
  if (status === 403) {
    return new ProvisionerInputError(
      `AZURE_DEVOPS_EXT_PAT may not ${doing} in ${organizationUrl} (403): give the PAT the Agent Pools (read, manage) scope, and its user the Administrator role on agent pools`,
    );
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOTFOUND" || code === "ECONNREFUSED") {
    return new ProvisionerInputError(`cannot reach Azure DevOps at ${organizationUrl} (${code}) while ${doing}: check AZURE_DEVOPS_ORG_URL`);
  }
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return new Error(`Azure DevOps refused ${doing}${status ? ` (${status})` : ""}: ${message}`);
}

const READ_ATTEMPTS = 4;
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set(["ECONNRESET", "ETIMEDOUT", "EPIPE", "UND_ERR_SOCKET"]);

/** A failure worth a retry: throttling, a server error, or a connection dropped mid-request. */
function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return TRANSIENT_STATUS.has(status);
  const cause = (error as { cause?: unknown }).cause ?? error;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return (code !== undefined && TRANSIENT_CODES.has(code)) || /socket hang up/i.test(String((cause as Error | undefined)?.message));
}

/** Reads are retried (1 s, 2 s, 4 s) on transient failures; writes are not, a re-run of apply finishes them. */
async function withReadRetries<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= READ_ATTEMPTS || !isTransient(error)) throw error;
      await sleep(1000 * 2 ** (attempt - 1));
    }
  }
}

function poolInfo(pool: TaskAgentPool): AgentPoolInfo {
  return {
    id: pool.id as number,
    name: pool.name ?? "",
    isHosted: pool.isHosted === true,
    isElastic: ((pool.options ?? 0) & TaskAgentPoolOptions.ElasticPool) !== 0,
  };
}

function queueInfo(queue: TaskAgentQueue): QueueInfo {
  return { id: queue.id as number, name: queue.name ?? "", poolId: queue.pool?.id as number };
}

/** Azure DevOps through azure-devops-node-api (TaskAgentApi), and raw REST for elastic pools, which it lacks. */
export class DevOpsService implements DevOpsPools {
  private api: Promise<ITaskAgentApi> | undefined;

  constructor(
    readonly organizationUrl: string,
    private readonly pat: string,
  ) {}

  private agentApi(): Promise<ITaskAgentApi> {
    this.api ??= new azdev.WebApi(this.organizationUrl, azdev.getPersonalAccessTokenHandler(this.pat)).getTaskAgentApi();
    return this.api;
  }

  private async call<T>(doing: string, fn: (api: ITaskAgentApi) => Promise<T>, kind: "read" | "write" = "write"): Promise<T> {
    try {
      if (kind === "read") return await withReadRetries(async () => fn(await this.agentApi()));
      return await fn(await this.agentApi());
    } catch (error) {
      this.api = undefined;
      throw explainDevOpsError(error, this.organizationUrl, doing);
    }
  }

  async checkAccess(poolName: string): Promise<PoolAccess> {
    const [all, managed] = await this.call(
      "list agent pools",
      (api) => Promise.all([api.getAgentPools(), api.getAgentPools(undefined, undefined, undefined, TaskAgentPoolActionFilter.Manage)]),
      "read",
    );
    const pool = all.find((p) => (p.name ?? "").toLowerCase() === poolName.toLowerCase());
    const canManage = pool ? managed.some((p) => p.id === pool.id) : managed.length > 0 || all.length === 0;
    return { pool: pool ? poolInfo(pool) : undefined, canManage };
  }

  async findPool(name: string): Promise<AgentPoolInfo | undefined> {
    const pools = await this.call("list agent pools", (api) => api.getAgentPools(name), "read");
    const pool = pools.find((p) => (p.name ?? "").toLowerCase() === name.toLowerCase());
    return pool ? poolInfo(pool) : undefined;
  }

  async createPool(name: string): Promise<AgentPoolInfo> {
    return poolInfo(await this.call(`create agent pool ${name}`, (api) => api.addAgentPool({ name, autoProvision: false, autoUpdate: true })));
  }

  async deletePool(poolId: number): Promise<void> {
    await this.call(`delete agent pool ${poolId}`, (api) => api.deleteAgentPool(poolId));
  }

  async listAgents(poolId: number): Promise<AgentInfo[]> {
    const agents = await this.call("list agents", (api) => api.getAgents(poolId), "read");
    return agents.map((a) => ({
      id: a.id as number,
      name: a.name ?? "",
      status: a.status === TaskAgentStatus.Online ? "online" : "offline",
      enabled: a.enabled !== false,
    }));
  }

  async deleteAgent(poolId: number, agentId: number): Promise<void> {
    await this.call(`remove agent ${agentId}`, (api) => api.deleteAgent(poolId, agentId));
  }

  async getElasticPool(poolId: number): Promise<ElasticPoolInfo | undefined> {
    const response = await this.rest("GET", `_apis/distributedtask/elasticpools/${poolId}`, "read the scale set pool");
    return response === undefined ? undefined : (response as ElasticPoolInfo);
  }

  async createElasticPool(poolName: string, settings: ElasticPoolSettings): Promise<AgentPoolInfo> {
    const query = `poolName=${encodeURIComponent(poolName)}&authorizeAllPipelines=false&autoProvisionProjectPools=false&projectId=${encodeURIComponent(settings.serviceEndpointScope)}`;
    const created = (await this.rest("POST", `_apis/distributedtask/elasticpools?${query}`, `create scale set pool ${poolName}`, settings)) as {
      agentPool: TaskAgentPool & { options?: unknown };
    };
    const options =
      Array.isArray(created.agentPool.options) || typeof created.agentPool.options === "string" ? TaskAgentPoolOptions.ElasticPool : created.agentPool.options;
    return poolInfo({ ...created.agentPool, options });
  }

  async updateElasticPool(poolId: number, settings: Partial<ElasticPoolSettings>): Promise<void> {
    await this.rest("PATCH", `_apis/distributedtask/elasticpools/${poolId}`, "update the scale set pool", settings);
  }

  /** GET _apis/projects/{nameOrId} (raw REST: the Core area is not otherwise needed); 404 = no such project. */
  async findProject(nameOrId: string): Promise<ProjectInfo | undefined> {
    const project = (await this.rest("GET", `_apis/projects/${encodeURIComponent(nameOrId)}`, `read project ${nameOrId}`)) as
      { id?: string; name?: string } | undefined;
    return project?.id ? { id: project.id, name: project.name ?? nameOrId } : undefined;
  }

  async listQueues(projectId: string, poolId?: number): Promise<QueueInfo[]> {
    // typed-rest-client answers a GET 404 (the project is gone) with a null body instead of an error.
    const queues = await this.call(
      `list the agent queues of project ${projectId}`,
      (api) => (poolId === undefined ? api.getAgentQueues(projectId) : api.getAgentQueuesForPools([poolId], projectId)),
      "read",
    );
    return (queues ?? []).map(queueInfo);
  }

  async addQueue(projectId: string, poolId: number, name: string, authorizePipelines: boolean): Promise<QueueInfo> {
    const queue = await this.call(`add pool ${poolId} to project ${projectId}`, (api) =>
      api.addAgentQueue({ name, pool: { id: poolId } }, projectId, authorizePipelines),
    );
    if (!queue) throw new Error(`Azure DevOps did not add pool ${poolId} to project ${projectId} (404: the project or the pool is gone)`);
    return queueInfo(queue);
  }

  async deleteQueue(projectId: string, queueId: number): Promise<void> {
    await this.call(`remove queue ${queueId} from project ${projectId}`, (api) => api.deleteAgentQueue(queueId, projectId));
  }

  /** GET {project}/_apis/pipelines/pipelinePermissions/queue/{id} (REST docs, Pipeline Permissions - Get). */
  async queueAuthorizedForAllPipelines(projectId: string, queueId: number): Promise<boolean> {
    const permissions = (await this.rest(
      "GET",
      `${encodeURIComponent(projectId)}/_apis/pipelines/pipelinePermissions/queue/${queueId}`,
      `read the pipeline permissions of queue ${queueId}`,
    )) as { allPipelines?: { authorized?: boolean } | null } | undefined;
    return permissions?.allPipelines?.authorized === true;
  }

  /** PATCH the same resource with allPipelines.authorized = true. */
  async authorizeQueueForAllPipelines(projectId: string, queueId: number): Promise<void> {
    await this.rest(
      "PATCH",
      `${encodeURIComponent(projectId)}/_apis/pipelines/pipelinePermissions/queue/${queueId}`,
      `authorize all pipelines on queue ${queueId}`,
      { allPipelines: { authorized: true } },
    );
  }

  /** Raw REST (api-version 7.1-preview.1, Basic PAT, X-TFS-FedAuthRedirect: Suppress); 404 on GET is undefined. */
  private async rest(method: string, path: string, doing: string, body?: unknown): Promise<unknown> {
    const url = `${this.organizationUrl}/${path}${path.includes("?") ? "&" : "?"}api-version=${ELASTIC_API_VERSION}`;
    let response: PlainResponse;
    const send = () =>
      fetchThroughPipeline(url, {
        method: method as HttpMethods,
        headers: {
          authorization: `Basic ${Buffer.from(`:${this.pat}`).toString("base64")}`,
          accept: "application/json",
          "content-type": "application/json",
          "X-TFS-FedAuthRedirect": "Suppress",
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    try {
      response =
        method === "GET"
          ? await withReadRetries(async () => {
              const answer = await send();
              if (TRANSIENT_STATUS.has(answer.status)) throw Object.assign(new Error(`HTTP ${answer.status}`), { statusCode: answer.status });
              return answer;
            })
          : await send();
    } catch (error) {
      throw explainDevOpsError((error as { cause?: unknown }).cause ?? error, this.organizationUrl, doing);
    }
    const text = await response.text();
    if (method === "GET" && response.status === 404) return undefined;
    if (!response.ok || response.status === 203) {
      let message = text.slice(0, 200);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // Not JSON (an HTML sign-in page): keep the start of the text.
      }
      throw explainDevOpsError(Object.assign(new Error(message), { statusCode: response.status }), this.organizationUrl, doing);
    }
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}
