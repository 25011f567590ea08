import { guidFrom } from "../http/random";

/** Run statuses as AML's run history reports them (v2 jobs use the same words). */
export type AmlRunStatus = "NotStarted" | "Running" | "Completed" | "Failed" | "CancelRequested" | "Canceled";

export interface PublishedPipelineSpec {
  name: string;
  /** Stable ID (a GUID); derived from the workspace and name when omitted. */
  id?: string;
  description?: string;
  version?: string;
  /** Pipeline parameters and their defaults; a submit may only assign these. */
  parameters?: Record<string, string>;
  /** Every run of this pipeline ends Failed (for tests of the failure path). */
  failRuns?: boolean;
}

export interface PublishedPipelineRecord extends Required<Omit<PublishedPipelineSpec, "id">> {
  id: string;
  workspaceId: string;
  graphId: string;
  createdAt: string;
}

export interface PipelineEndpointSpec {
  name: string;
  id?: string;
  description?: string;
  /** Versions in order; version strings default to "0", "1", ... */
  pipelines: Array<{ pipelineId: string; version?: string }>;
  /** Defaults to the first version. */
  defaultVersion?: string;
}

export interface PipelineEndpointRecord {
  id: string;
  workspaceId: string;
  name: string;
  description: string;
  defaultVersion: string;
  versions: Array<{ version: string; pipelineId: string }>;
}

export interface RunRecord {
  runId: string;
  kind: "pipelineRun" | "job";
  workspaceId: string;
  experimentName: string;
  submittedAt: number;
  fail: boolean;
  /** Who submitted it (the token's app). */
  submittedBy: { objectId: string; clientId: string; tenantId: string };
  pipelineId?: string;
  pipelineEndpointId?: string;
  parameters: Record<string, string>;
  runSource: string;
  description?: string;
  canceledAt?: number;
  /** How long a cancel takes to settle (0 for v1 pipeline runs, which cancel at once). */
  cancelMs: number;
}

/**
 * The Azure Machine Learning data the sandbox holds besides ARM resources: SDK v1 published pipelines, pipeline
 * endpoints and every run (v1 pipeline runs and v2 jobs alike, as AML's run history sees them). A run is NotStarted
 * for the first quarter of `lroMs`, Running until `lroMs`, then Completed (or Failed when its pipeline fails runs or
 * its experiment is marked failing). Statuses are computed from the clock, so no timers run.
 */
export class AmlState {
  private readonly pipelines = new Map<string, PublishedPipelineRecord>();
  private readonly endpoints = new Map<string, PipelineEndpointRecord>();
  private readonly runRecords = new Map<string, RunRecord>();
  private readonly failingExperiments = new Set<string>();

  constructor(readonly lroMs: number) {}

  addPublishedPipeline(workspaceId: string, spec: PublishedPipelineSpec): PublishedPipelineRecord {
    const id = spec.id ?? guidFrom(`${workspaceId.toLowerCase()}/publishedPipelines/${spec.name}`);
    const record: PublishedPipelineRecord = {
      id,
      workspaceId,
      name: spec.name,
      description: spec.description ?? "",
      version: spec.version ?? "1.0",
      parameters: { ...(spec.parameters ?? {}) },
      failRuns: spec.failRuns ?? false,
      graphId: guidFrom(`${id}/graph`),
      createdAt: new Date().toISOString(),
    };
    this.pipelines.set(key(workspaceId, id), record);
    return record;
  }

  addPipelineEndpoint(workspaceId: string, spec: PipelineEndpointSpec): PipelineEndpointRecord {
    if (spec.pipelines.length === 0) throw new Error(`pipeline endpoint ${spec.name} needs at least one pipeline`);
    const versions = spec.pipelines.map((p, i) => ({ version: p.version ?? String(i), pipelineId: p.pipelineId }));
    for (const v of versions) {
      if (!this.publishedPipeline(workspaceId, v.pipelineId)) throw new Error(`published pipeline ${v.pipelineId} does not exist in ${workspaceId}`);
    }
    const defaultVersion = spec.defaultVersion ?? versions[0].version;
    if (!versions.some((v) => v.version === defaultVersion)) throw new Error(`default version ${defaultVersion} is not one of the endpoint's versions`);
    const record: PipelineEndpointRecord = {
      id: spec.id ?? guidFrom(`${workspaceId.toLowerCase()}/pipelineEndpoints/${spec.name}`),
      workspaceId,
      name: spec.name,
      description: spec.description ?? "",
      defaultVersion,
      versions,
    };
    this.endpoints.set(key(workspaceId, record.id), record);
    return record;
  }

  /** Makes every later run of a published pipeline fail (or succeed again). */
  setFailRuns(workspaceId: string, pipelineId: string, fail: boolean): void {
    const pipeline = this.publishedPipeline(workspaceId, pipelineId);
    if (!pipeline) throw new Error(`published pipeline ${pipelineId} does not exist in ${workspaceId}`);
    pipeline.failRuns = fail;
  }

  /** Makes every later run or job submitted to this experiment fail (v2 jobs have no published pipeline to mark). */
  setFailingExperiment(experimentName: string, fail = true): void {
    if (fail) this.failingExperiments.add(experimentName.toLowerCase());
    else this.failingExperiments.delete(experimentName.toLowerCase());
  }

  publishedPipeline(workspaceId: string, id: string): PublishedPipelineRecord | undefined {
    return this.pipelines.get(key(workspaceId, id));
  }

  pipelineEndpoint(workspaceId: string, id: string): PipelineEndpointRecord | undefined {
    return this.endpoints.get(key(workspaceId, id));
  }

  submitRun(run: Omit<RunRecord, "submittedAt" | "fail" | "cancelMs"> & { failRuns?: boolean }): RunRecord {
    const { failRuns, ...rest } = run;
    const record: RunRecord = {
      ...rest,
      submittedAt: Date.now(),
      fail: Boolean(failRuns) || this.failingExperiments.has(run.experimentName.toLowerCase()),
      cancelMs: run.kind === "job" ? Math.round(this.lroMs / 4) : 0,
    };
    this.runRecords.set(key(run.workspaceId, run.runId), record);
    return record;
  }

  run(workspaceId: string, runId: string): RunRecord | undefined {
    return this.runRecords.get(key(workspaceId, runId));
  }

  /** A run by its ID in any workspace (run IDs are GUIDs or unique job names). */
  findRun(runId: string): RunRecord | undefined {
    return [...this.runRecords.values()].find((r) => r.runId === runId);
  }

  runs(): Array<RunRecord & { status: AmlRunStatus }> {
    return [...this.runRecords.values()].map((r) => ({ ...r, status: this.statusOf(r) }));
  }

  forgetRun(workspaceId: string, runId: string): void {
    this.runRecords.delete(key(workspaceId, runId));
  }

  statusOf(run: RunRecord, now = Date.now()): AmlRunStatus {
    if (run.canceledAt !== undefined) return now >= run.canceledAt + run.cancelMs ? "Canceled" : "CancelRequested";
    const elapsed = now - run.submittedAt;
    if (elapsed >= this.lroMs) return run.fail ? "Failed" : "Completed";
    return elapsed < this.lroMs / 4 ? "NotStarted" : "Running";
  }

  /** When the run started (Running) and ended, as ISO strings, or undefined while not reached. */
  timesOf(run: RunRecord, now = Date.now()): { start?: string; end?: string } {
    const status = this.statusOf(run, now);
    const startMs = run.submittedAt + this.lroMs / 4;
    const start = status === "NotStarted" || (run.canceledAt !== undefined && run.canceledAt < startMs) ? undefined : iso(startMs);
    if (status === "Canceled") return { start, end: iso((run.canceledAt as number) + run.cancelMs) };
    if (status === "Completed" || status === "Failed") return { start, end: iso(run.submittedAt + this.lroMs) };
    return { start };
  }

  /** Requests a cancel; a run that already ended is left as it is. Returns the status after the request. */
  cancel(run: RunRecord, now = Date.now()): AmlRunStatus {
    const status = this.statusOf(run, now);
    if (status === "NotStarted" || status === "Running") run.canceledAt = now;
    return this.statusOf(run, now);
  }
}

function key(workspaceId: string, id: string): string {
  return `${workspaceId.toLowerCase()}|${id.toLowerCase()}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
