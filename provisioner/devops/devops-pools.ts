import type { ElasticPool } from "azure-devops-node-api/interfaces/TaskAgentInterfaces";

/** What the provisioner needs from Azure DevOps: agent pools, their agents, and scale set (elastic) pools. */
export interface AgentPoolInfo {
  id: number;
  name: string;
  isHosted: boolean;
  /** The pool is backed by a scale set (options include elasticPool). */
  isElastic: boolean;
}

export interface AgentInfo {
  id: number;
  name: string;
  /** "online" or "offline" as the service reports it. */
  status: string;
  enabled: boolean;
}

type ElasticPoolFields =
  | "serviceEndpointId"
  | "serviceEndpointScope"
  | "azureId"
  | "maxCapacity"
  | "desiredIdle"
  | "recycleAfterEachUse"
  | "maxSavedNodeCount"
  | "timeToLiveMinutes"
  | "agentInteractiveUI";

/**
 * azure-devops-node-api's ElasticPool as the REST API sends it: its enums (osType, orchestrationType, state) travel
 * as strings on the wire, where the library's types have numbers. `azureId` is the scale set's ARM ID.
 */
export type ElasticPoolSettings = Required<Pick<ElasticPool, ElasticPoolFields>> & { osType: "linux"; orchestrationType: "uniform" };

export type ElasticPoolInfo = ElasticPoolSettings & Required<Pick<ElasticPool, "poolId">> & { state: string };

/** A team project, as GET _apis/projects/{name or ID} returns it. */
export interface ProjectInfo {
  id: string;
  name: string;
}

/** A project's agent queue: how its pipelines reach a pool (`pool: <queue name>`). */
export interface QueueInfo {
  id: number;
  name: string;
  poolId: number;
}

export interface PoolAccess {
  /** The pool of that name, when it exists. */
  pool?: AgentPoolInfo;
  /** Whether the PAT may administer pools (create, delete, remove agents). */
  canManage: boolean;
}

/**
 * Azure DevOps agent pools, as the steps use them. One implementation talks to the service
 * (azure-devops-node-api plus raw REST for elastic pools); tests may substitute their own.
 */
export interface DevOpsPools {
  /** The organization URL (messages name it). */
  readonly organizationUrl: string;
  /** Lists pools with the PAT: turns 401/403 into input errors naming AZURE_DEVOPS_EXT_PAT, and says whether it may manage. */
  checkAccess(poolName: string): Promise<PoolAccess>;
  findPool(name: string): Promise<AgentPoolInfo | undefined>;
  createPool(name: string): Promise<AgentPoolInfo>;
  deletePool(poolId: number): Promise<void>;
  listAgents(poolId: number): Promise<AgentInfo[]>;
  deleteAgent(poolId: number, agentId: number): Promise<void>;
  getElasticPool(poolId: number): Promise<ElasticPoolInfo | undefined>;
  createElasticPool(poolName: string, settings: ElasticPoolSettings): Promise<AgentPoolInfo>;
  updateElasticPool(poolId: number, settings: Partial<ElasticPoolSettings>): Promise<void>;
  /** The project of that name or ID, or undefined when the organization has none. */
  findProject(nameOrId: string): Promise<ProjectInfo | undefined>;
  /** The project's queues (all, or those of one pool). */
  listQueues(projectId: string, poolId?: number): Promise<QueueInfo[]>;
  /** Adds the pool to the project as a queue named `name`; `authorizePipelines` opens it to every pipeline. */
  addQueue(projectId: string, poolId: number, name: string, authorizePipelines: boolean): Promise<QueueInfo>;
  deleteQueue(projectId: string, queueId: number): Promise<void>;
  /** Whether every pipeline of the project may use the queue (pipelinePermissions allPipelines.authorized). */
  queueAuthorizedForAllPipelines(projectId: string, queueId: number): Promise<boolean>;
  authorizeQueueForAllPipelines(projectId: string, queueId: number): Promise<void>;
}
