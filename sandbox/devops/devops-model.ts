/**
 * Records the sandbox keeps for Azure DevOps agent pools, agents, elastic pools and queues, plus the enum
 * vocabularies the real service uses on the wire (camelCase strings; clients may send the numeric values).
 */

export type PoolType = "automation" | "deployment";
export type PoolOption = "elasticPool" | "singleUseAgents" | "preserveAgentOnJobFailure";
export type AgentStatus = "offline" | "online";
export type OsType = "windows" | "linux";
export type OrchestrationType = "uniform" | "flexible";
export type ElasticPoolState = "online" | "offline" | "unhealthy" | "new";

/** Who created or owns something: the user behind the PAT. */
export interface DevOpsIdentity {
  id: string;
  displayName: string;
  uniqueName: string;
}

export interface AgentPoolRecord {
  id: number;
  name: string;
  poolType: PoolType;
  isHosted: boolean;
  isLegacy: boolean;
  options: PoolOption[];
  autoProvision: boolean;
  autoUpdate: boolean;
  autoSize: boolean | null;
  targetSize: number | null;
  agentCloudId: number | null;
  /** GUID of the organization (the pool's scope on the real service). */
  scope: string;
  createdOn: Date;
  createdBy: DevOpsIdentity;
  owner: DevOpsIdentity;
  properties: Record<string, unknown>;
}

export interface AgentPublicKey {
  exponent: Buffer;
  modulus: Buffer;
}

export interface AgentRecord {
  id: number;
  poolId: number;
  name: string;
  version: string;
  osDescription: string;
  enabled: boolean;
  status: AgentStatus;
  statusChangedOn: Date;
  createdOn: Date;
  maxParallelism: number;
  provisioningState: string;
  accessPoint: string;
  authorization: { clientId: string; authorizationUrl: string; publicKey?: AgentPublicKey };
  systemCapabilities: Record<string, string>;
  userCapabilities: Record<string, string>;
  properties: Record<string, unknown>;
}

export interface ElasticPoolRecord {
  poolId: number;
  serviceEndpointId: string;
  serviceEndpointScope: string;
  azureId: string;
  maxCapacity: number;
  desiredIdle: number;
  recycleAfterEachUse: boolean;
  maxSavedNodeCount: number;
  osType: OsType;
  orchestrationType: OrchestrationType;
  state: ElasticPoolState;
  offlineSince: Date | null;
  desiredSize: number;
  sizingAttempts: number;
  agentInteractiveUI: boolean;
  timeToLiveMinutes: number;
}

export interface AgentQueueRecord {
  id: number;
  name: string;
  poolId: number;
  projectId: string;
  /** `authorizePipelines=true` at creation, or allPipelines.authorized through pipelinePermissions: every pipeline of the project may use it. */
  authorizedForAllPipelines: boolean;
  /** Who authorized all pipelines, and when (pipelinePermissions' allPipelines.authorizedBy / authorizedOn). */
  authorizedBy?: DevOpsIdentity;
  authorizedOn?: Date;
}

/** A team project (TeamProjectReference in azure-devops-node-api's CoreInterfaces). */
export interface ProjectRecord {
  id: string;
  name: string;
  description: string;
  revision: number;
  visibility: "private" | "public";
  lastUpdateTime: Date;
}

/** Enum vocabularies: wire name → numeric value, as in azure-devops-node-api's TypeInfo tables. */
export const ENUMS = {
  poolType: { automation: 1, deployment: 2 },
  poolOption: { none: 0, elasticPool: 1, singleUseAgents: 2, preserveAgentOnJobFailure: 4 },
  agentStatus: { offline: 1, online: 2 },
  osType: { windows: 0, linux: 1 },
  orchestrationType: { uniform: 0, flexible: 1 },
  elasticPoolState: { online: 0, offline: 1, unhealthy: 2, new: 3 },
  actionFilter: { none: 0, manage: 2, use: 16 },
} as const;

type EnumTable = Readonly<Record<string, number>>;

/**
 * Reads an enum value as the service's JSON deserializer does: a name in any case, or its number.
 * Returns undefined for a missing or unknown value.
 */
export function parseEnum<T extends EnumTable>(table: T, value: unknown): (keyof T & string) | undefined {
  const names = Object.keys(table) as (keyof T & string)[];
  if (typeof value === "number") return names.find((name) => table[name] === value);
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return names.find((name) => table[name] === Number(trimmed));
  return names.find((name) => name.toLowerCase() === trimmed.toLowerCase());
}

/** Reads a [Flags] enum (number, or comma-separated names) into its set names, without "none". */
export function parseFlags<T extends EnumTable>(table: T, value: unknown): (keyof T & string)[] {
  const names = Object.keys(table) as (keyof T & string)[];
  if (typeof value === "number") return names.filter((name) => table[name] !== 0 && (value & table[name]) === table[name]);
  if (typeof value !== "string") return [];
  return value
    .split(",")
    .map((part) => parseEnum(table, part))
    .filter((name): name is keyof T & string => name !== undefined && table[name] !== 0);
}

/** TaskAgentPoolOptions from a request (number or names). */
export function parsePoolOptions(value: unknown): PoolOption[] {
  return parseFlags(ENUMS.poolOption, value).filter((name): name is PoolOption => name !== "none");
}

/** Serializes a [Flags] enum as the service does: comma-separated camelCase names, or "none". */
export function formatFlags(names: readonly string[]): string {
  return names.length === 0 ? "none" : names.join(", ");
}
