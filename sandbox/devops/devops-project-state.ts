import { guidFrom } from "../http/random";
import type { AgentPoolRecord, AgentQueueRecord, ProjectRecord } from "./devops-model";

/** Why a state change was refused; the REST layer maps each code to the service's exception. */
export type DevOpsStateErrorCode = "PoolNotFound" | "PoolExists" | "AgentNotFound" | "AgentExists" | "ElasticPoolNotFound" | "QueueExists" | "QueueNotFound";

export class DevOpsStateError extends Error {
  constructor(
    readonly code: DevOpsStateErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "DevOpsStateError";
  }
}

/**
 * The organization's team projects and their agent queues (a queue is a pool made available to one project, under a
 * name unique in that project). DevOpsState adds pools, agents and elastic pools on top.
 */
export abstract class ProjectQueueState {
  readonly queues = new Map<number, AgentQueueRecord>();
  /** Team projects by ID (lower case); a new sandbox organization has one, `sandbox-project`. */
  readonly projects = new Map<string, ProjectRecord>();
  private nextQueueId = 1;

  constructor(readonly organizationId: string) {}

  abstract getPool(poolId: number): AgentPoolRecord;

  /** A project whose ID is derived from the organization and its name (the same in every sandbox run). */
  addProject(name: string, description = ""): ProjectRecord {
    const project: ProjectRecord = {
      id: guidFrom(`devops-project:${this.organizationId}:${name.toLowerCase()}`),
      name,
      description,
      revision: 1,
      visibility: "private",
      lastUpdateTime: new Date(),
    };
    this.projects.set(project.id, project);
    return project;
  }

  /** A project by ID or (case-insensitive) name, as project-scoped routes resolve `{project}`. */
  findProject(idOrName: string): ProjectRecord | undefined {
    return this.projects.get(idOrName.toLowerCase()) ?? [...this.projects.values()].find((p) => p.name.toLowerCase() === idOrName.toLowerCase());
  }

  /** Adds a queue to a project; its name is unique in the project (TaskAgentQueueExistsException otherwise). */
  addQueue(input: Omit<AgentQueueRecord, "id">): AgentQueueRecord {
    const clash = [...this.queues.values()].find((q) => q.projectId === input.projectId && q.name.toLowerCase() === input.name.toLowerCase());
    if (clash) throw new DevOpsStateError("QueueExists", `Agent queue ${input.name} already exists.`);
    this.getPool(input.poolId);
    const queue: AgentQueueRecord = { id: this.nextQueueId++, ...input };
    this.queues.set(queue.id, queue);
    return queue;
  }

  queuesOf(projectId: string): AgentQueueRecord[] {
    return [...this.queues.values()].filter((q) => q.projectId === projectId).sort((a, b) => a.id - b.id);
  }

  deleteQueue(projectId: string, queueId: number): void {
    const queue = this.queues.get(queueId);
    if (!queue || queue.projectId !== projectId) throw new DevOpsStateError("QueueNotFound", `Queue with id ${queueId} does not exist or access is denied.`);
    this.queues.delete(queueId);
  }
}
