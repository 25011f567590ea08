import type { SeededRandom } from "../http/random";
import { DevOpsStateError, ProjectQueueState } from "./devops-project-state";
import type {
  AgentPoolRecord,
  AgentPublicKey,
  AgentQueueRecord,
  AgentRecord,
  AgentStatus,
  DevOpsIdentity,
  ElasticPoolRecord,
  PoolOption,
  PoolType,
} from "./devops-model";

export { DevOpsStateError, type DevOpsStateErrorCode } from "./devops-project-state";

export interface NewPoolInput {
  name: string;
  poolType?: PoolType;
  isHosted?: boolean;
  options?: PoolOption[];
  autoProvision?: boolean;
  autoUpdate?: boolean;
  autoSize?: boolean | null;
  targetSize?: number | null;
  agentCloudId?: number | null;
  properties?: Record<string, unknown>;
}

export type PoolPatch = Partial<Pick<AgentPoolRecord, "name" | "autoProvision" | "autoUpdate" | "autoSize" | "targetSize" | "options" | "properties">>;

export interface NewAgentInput {
  name: string;
  version?: string;
  osDescription?: string;
  enabled?: boolean;
  maxParallelism?: number;
  provisioningState?: string;
  publicKey?: AgentPublicKey;
  authorizationUrl?: string;
  systemCapabilities?: Record<string, string>;
  userCapabilities?: Record<string, string>;
  properties?: Record<string, unknown>;
}

export type AgentPatch = Partial<Omit<NewAgentInput, "authorizationUrl">>;

export type ElasticPoolSettings = Omit<ElasticPoolRecord, "poolId" | "state" | "offlineSince" | "desiredSize" | "sizingAttempts">;

export interface ElasticPoolCreation {
  pool: AgentPoolRecord;
  elasticPool: ElasticPoolRecord;
  queue: AgentQueueRecord | undefined;
}

/**
 * The Azure DevOps organization's agent pools, agents, elastic pools and queues. The REST handler reads and
 * changes it; scenarios and the fake agent may too (e.g. `setAgentStatus` when an agent connects).
 */
export class DevOpsState extends ProjectQueueState {
  readonly pools = new Map<number, AgentPoolRecord>();
  readonly agents = new Map<number, AgentRecord>();
  readonly elasticPools = new Map<number, ElasticPoolRecord>();
  /** Optional check of an elastic pool's scale set (e.g. against the sandbox ARM); returns an error message or undefined. */
  scaleSetValidator: ((azureId: string) => string | undefined) | undefined;
  /** Called after an elastic pool is created or its settings change (the service then works on its scale set). */
  onElasticPoolChange: ((poolId: number) => void) | undefined;
  private nextPoolId = 1;
  private nextAgentId = 1;

  /** `builtInPools` adds what a new organization has: "Default" (id 1) and the hosted "Azure Pipelines" (id 9). */
  constructor(
    private readonly random: SeededRandom,
    organizationId: string,
    options: { builtInPools?: boolean } = {},
  ) {
    super(organizationId);
    this.addProject("sandbox-project", "The sandbox organization's project.");
    if (options.builtInPools === false) return;
    const system: DevOpsIdentity = {
      id: "00000002-0000-8888-8000-000000000000",
      displayName: "Microsoft.VisualStudio.Services.TFS",
      uniqueName: "00000002-0000-8888-8000-000000000000",
    };
    this.addPool({ name: "Default", autoProvision: true, autoUpdate: true }, system);
    this.nextPoolId = 9;
    this.addPool({ name: "Azure Pipelines", isHosted: true, autoProvision: true, autoUpdate: true, autoSize: true, targetSize: 1, agentCloudId: 1 }, system);
  }

  listPools(): AgentPoolRecord[] {
    return [...this.pools.values()].sort((a, b) => a.id - b.id);
  }

  findPool(poolId: number): AgentPoolRecord | undefined {
    return this.pools.get(poolId);
  }

  findPoolByName(name: string): AgentPoolRecord | undefined {
    return this.listPools().find((pool) => pool.name.toLowerCase() === name.toLowerCase());
  }

  getPool(poolId: number): AgentPoolRecord {
    const pool = this.pools.get(poolId);
    if (!pool) throw new DevOpsStateError("PoolNotFound", `No agent pool found with identifier ${poolId}.`);
    return pool;
  }

  addPool(input: NewPoolInput, creator: DevOpsIdentity): AgentPoolRecord {
    if (this.findPoolByName(input.name)) throw new DevOpsStateError("PoolExists", `Agent pool ${input.name} already exists.`);
    const pool: AgentPoolRecord = {
      id: this.nextPoolId++,
      name: input.name,
      poolType: input.poolType ?? "automation",
      isHosted: input.isHosted ?? false,
      isLegacy: false,
      options: input.options ?? [],
      autoProvision: input.autoProvision ?? false,
      autoUpdate: input.autoUpdate ?? true,
      autoSize: input.autoSize ?? null,
      targetSize: input.targetSize ?? null,
      agentCloudId: input.agentCloudId ?? null,
      scope: this.organizationId,
      createdOn: new Date(),
      createdBy: creator,
      owner: creator,
      properties: input.properties ?? {},
    };
    this.pools.set(pool.id, pool);
    return pool;
  }

  updatePool(poolId: number, patch: PoolPatch): AgentPoolRecord {
    const pool = this.getPool(poolId);
    if (patch.name !== undefined && patch.name.toLowerCase() !== pool.name.toLowerCase() && this.findPoolByName(patch.name)) {
      throw new DevOpsStateError("PoolExists", `Agent pool ${patch.name} already exists.`);
    }
    Object.assign(pool, Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)));
    return pool;
  }

  /** Deletes the pool with its agents, elastic pool settings and queues, as the service does. */
  deletePool(poolId: number): void {
    this.getPool(poolId);
    for (const agent of this.agentsInPool(poolId)) this.agents.delete(agent.id);
    for (const queue of [...this.queues.values()]) if (queue.poolId === poolId) this.queues.delete(queue.id);
    this.elasticPools.delete(poolId);
    this.pools.delete(poolId);
  }

  poolSize(poolId: number): number {
    return this.agentsInPool(poolId).length;
  }

  agentsInPool(poolId: number): AgentRecord[] {
    return [...this.agents.values()].filter((agent) => agent.poolId === poolId).sort((a, b) => a.id - b.id);
  }

  findAgentByName(poolId: number, name: string): AgentRecord | undefined {
    return this.agentsInPool(poolId).find((agent) => agent.name.toLowerCase() === name.toLowerCase());
  }

  getAgent(poolId: number, agentId: number): AgentRecord {
    const pool = this.getPool(poolId);
    const agent = this.agents.get(agentId);
    if (!agent || agent.poolId !== poolId) {
      throw new DevOpsStateError("AgentNotFound", `No agent found in pool ${pool.name} with ID ${agentId}.`);
    }
    return agent;
  }

  /** Registers an agent; it stays offline until something (the fake agent) calls `setAgentStatus`. */
  addAgent(poolId: number, input: NewAgentInput): AgentRecord {
    const pool = this.getPool(poolId);
    if (this.findAgentByName(poolId, input.name)) {
      throw new DevOpsStateError("AgentExists", `Pool ${pool.name} already contains an agent with name ${input.name}.`);
    }
    const now = new Date();
    const agent: AgentRecord = {
      id: this.nextAgentId++,
      poolId,
      name: input.name,
      version: input.version ?? "",
      osDescription: input.osDescription ?? "",
      enabled: input.enabled ?? true,
      status: "offline",
      statusChangedOn: now,
      createdOn: now,
      maxParallelism: input.maxParallelism ?? 1,
      provisioningState: input.provisioningState ?? "Provisioned",
      accessPoint: "CodexAccessMapping",
      authorization: { clientId: this.random.guid(), authorizationUrl: input.authorizationUrl ?? "", publicKey: input.publicKey },
      systemCapabilities: input.systemCapabilities ?? {},
      userCapabilities: input.userCapabilities ?? {},
      properties: input.properties ?? {},
    };
    this.agents.set(agent.id, agent);
    return agent;
  }

  /** PUT: the agent re-registers under the same ID (`config.sh --replace`) with a new key and version. */
  replaceAgent(poolId: number, agentId: number, input: NewAgentInput): AgentRecord {
    const agent = this.getAgent(poolId, agentId);
    const clash = this.findAgentByName(poolId, input.name);
    if (clash && clash.id !== agentId) {
      throw new DevOpsStateError("AgentExists", `Pool ${this.getPool(poolId).name} already contains an agent with name ${input.name}.`);
    }
    agent.name = input.name;
    agent.version = input.version ?? agent.version;
    agent.osDescription = input.osDescription ?? agent.osDescription;
    agent.enabled = input.enabled ?? agent.enabled;
    agent.maxParallelism = input.maxParallelism ?? agent.maxParallelism;
    agent.authorization.publicKey = input.publicKey ?? agent.authorization.publicKey;
    agent.systemCapabilities = input.systemCapabilities ?? agent.systemCapabilities;
    agent.userCapabilities = input.userCapabilities ?? agent.userCapabilities;
    agent.properties = input.properties ?? agent.properties;
    return agent;
  }

  /** PATCH: only the fields given change. */
  updateAgent(poolId: number, agentId: number, patch: AgentPatch): AgentRecord {
    const agent = this.getAgent(poolId, agentId);
    return this.replaceAgent(poolId, agentId, { ...patch, name: patch.name ?? agent.name });
  }

  deleteAgent(poolId: number, agentId: number): void {
    this.getAgent(poolId, agentId);
    this.agents.delete(agentId);
  }

  /** Marks an agent online (its listener connected) or offline; what the real service does on session create/delete. */
  setAgentStatus(poolId: number, agentId: number, status: AgentStatus): AgentRecord {
    const agent = this.getAgent(poolId, agentId);
    if (agent.status !== status) {
      agent.status = status;
      agent.statusChangedOn = new Date();
    }
    return agent;
  }

  /** Same as `setAgentStatus`, by pool and agent name (what a fake `config.sh`/`run.sh` knows). */
  setAgentStatusByName(poolName: string, agentName: string, status: AgentStatus): AgentRecord {
    const pool = this.findPoolByName(poolName);
    if (!pool) throw new DevOpsStateError("PoolNotFound", `Agent pool not found: '${poolName}'`);
    const agent = this.findAgentByName(pool.id, agentName);
    if (!agent) throw new DevOpsStateError("AgentNotFound", `No agent named ${agentName} in pool ${pool.name}.`);
    return this.setAgentStatus(pool.id, agent.id, status);
  }

  /** Creates the agent pool backing a scale set, its elastic pool settings, and a queue when a project is given. */
  addElasticPool(
    poolName: string,
    settings: ElasticPoolSettings,
    flags: { autoProvisionProjectPools: boolean; authorizeAllPipelines: boolean; projectId?: string },
    creator: DevOpsIdentity,
  ): ElasticPoolCreation {
    const options: PoolOption[] = ["elasticPool"];
    if (settings.recycleAfterEachUse) options.push("singleUseAgents");
    if (settings.maxSavedNodeCount > 0) options.push("preserveAgentOnJobFailure");
    const pool = this.addPool(
      {
        name: poolName,
        options,
        autoProvision: flags.autoProvisionProjectPools,
        autoUpdate: true,
        autoSize: true,
        targetSize: 0,
        properties: flags.authorizeAllPipelines ? { AutoAuthorize: true } : {},
      },
      creator,
    );
    const elasticPool: ElasticPoolRecord = { ...settings, poolId: pool.id, state: "new", offlineSince: null, desiredSize: 0, sizingAttempts: 0 };
    this.elasticPools.set(pool.id, elasticPool);
    let queue: AgentQueueRecord | undefined;
    if (flags.projectId) {
      queue = this.addQueue({ name: poolName, poolId: pool.id, projectId: flags.projectId, authorizedForAllPipelines: flags.authorizeAllPipelines });
    }
    return { pool, elasticPool, queue };
  }

  getElasticPool(poolId: number): ElasticPoolRecord {
    const elasticPool = this.elasticPools.get(poolId);
    if (!elasticPool) throw new DevOpsStateError("ElasticPoolNotFound", `Elastic pool with id ${poolId} not found.`);
    return elasticPool;
  }

  updateElasticPool(poolId: number, patch: Partial<ElasticPoolSettings>): ElasticPoolRecord {
    const elasticPool = this.getElasticPool(poolId);
    Object.assign(elasticPool, Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)));
    const pool = this.getPool(poolId);
    pool.options = pool.options.filter((option) => option !== "singleUseAgents");
    if (elasticPool.recycleAfterEachUse) pool.options.push("singleUseAgents");
    return elasticPool;
  }
}
