import type { AzureClients } from "../azure/clients";
import type { ReadinessReport } from "../readiness/finding";
import type { ClientsForSubscription } from "../readiness/topology/read-topology";
import type { Topology } from "../readiness/topology/topology";
import type { Change } from "./changes";
import { DEFAULT_AGENT_CONCURRENCY } from "./concurrency";
import type { ProvisionerConfig } from "./config/config-types";
import type { AgentPoolInfo, DevOpsPools, ProjectInfo } from "./devops/devops-pools";
import { ownershipTags } from "./ownership";
import { resourceIds, ResourceIds } from "./resource-ids";

/** apply writes; plan reads only and records what apply would do; destroy removes what amlvnet created. */
export type RunMode = "apply" | "plan" | "destroy";

/** One agent machine: a VM (vms mode) or a scale set instance (scaleset mode); the agent is named after it. */
export interface AgentMachine {
  /** Agent name in the pool = VM name (vms) or the instance's computer name (scaleset). */
  agentName: string;
  /** VM name (vms) or instance ID (scaleset). */
  vmName: string;
  /** ARM ID of the VM or scale set instance. */
  vmId: string;
}

export interface RunOptions {
  /** Agents worked on at once (NIC, VM, extension). */
  agentConcurrency: number;
  /** Between two reads while waiting (peering Connected, agents online). */
  pollIntervalMs: number;
  /** How long to wait for every agent online (default: the config's pool.onlineTimeoutMinutes). */
  onlineTimeoutMs: number;
  /** How long to wait for the peerings to show Connected. */
  peeringTimeoutMs: number;
  /** While waiting for the agents: the longest silence between two progress lines. */
  progressIntervalMs: number;
}

/**
 * The one object every step reads and writes. Inputs (config, mode, clients) are fixed for the run; the
 * discovered part is filled in by the steps in order and documented with the step that sets it.
 */
export interface ProvisionContext {
  readonly config: ProvisionerConfig;
  readonly mode: RunMode;
  readonly clientsFor: ClientsForSubscription;
  /** Clients for the agents' subscription (config.subscription). */
  readonly clients: AzureClients;
  readonly devops: DevOpsPools;
  /** AZURE_DEVOPS_EXT_PAT: goes into the agent extension's protectedSettings and nowhere else. */
  readonly pat: string;
  /** IDs and names of everything amlvnet manages, computed from the config alone. */
  readonly ids: ResourceIds;
  /** Tags every created resource carries: the user's plus amlvnet's ownership tags. */
  readonly tags: Record<string, string>;
  readonly options: RunOptions;
  /** One progress line for people (stderr in JSON mode, stdout in text mode). */
  readonly progress: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Every change decided so far, in order (plan prints them; apply and destroy print them as they happen). */
  readonly changes: Change[];
  /** destroy: failures collected instead of stopping at the first. */
  readonly failures: string[];

  /** preflight: the workspace's network as the readiness engine reads it (undefined when destroy cannot read it). */
  topology?: Topology;
  /** preflight: VNets holding the workspace's private endpoints (the AML VNets to peer with). */
  amlVnetIds: string[];
  /** preflight: address prefixes of the AML VNets (the NSG allows outbound to them). */
  amlPrefixes: string[];
  /** preflight: private DNS zones the workspace's endpoints use (from their zone groups). */
  zoneIds: string[];
  /** devops-pool (vms) or agent-scale-set (scaleset): the Azure DevOps pool, once it exists. */
  pool?: AgentPoolInfo;
  /** preflight: the config's projects as Azure DevOps knows them (ID and name), with their authorization. */
  projects: Array<ProjectInfo & { authorizePipelines: boolean }>;
  /** agent-vms / agent-scale-set: the machines whose agents must come online. */
  agents: AgentMachine[];
  /** verify: the readiness verdict from the agent VNet. */
  report?: ReadinessReport;
}

export interface ContextInputs {
  config: ProvisionerConfig;
  mode: RunMode;
  clientsFor: ClientsForSubscription;
  devops: DevOpsPools;
  pat: string;
  options?: Partial<RunOptions>;
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

export function createContext(inputs: ContextInputs): ProvisionContext {
  const { config } = inputs;
  return {
    config,
    mode: inputs.mode,
    clientsFor: inputs.clientsFor,
    clients: inputs.clientsFor(config.subscription),
    devops: inputs.devops,
    pat: inputs.pat,
    ids: resourceIds(config),
    tags: ownershipTags(config.pool.name, config.tags),
    options: {
      agentConcurrency: inputs.options?.agentConcurrency ?? DEFAULT_AGENT_CONCURRENCY,
      pollIntervalMs: inputs.options?.pollIntervalMs ?? 5000,
      onlineTimeoutMs: inputs.options?.onlineTimeoutMs ?? config.pool.onlineTimeoutMs,
      peeringTimeoutMs: inputs.options?.peeringTimeoutMs ?? 120_000,
      progressIntervalMs: inputs.options?.progressIntervalMs ?? 30_000,
    },
    progress: inputs.progress ?? (() => undefined),
    signal: inputs.signal,
    changes: [],
    failures: [],
    amlVnetIds: [],
    amlPrefixes: [],
    zoneIds: [],
    projects: [],
    agents: [],
  };
}

/** Whether this run may write (apply and destroy) or only read (plan). */
export function writes(ctx: ProvisionContext): boolean {
  return ctx.mode !== "plan";
}
