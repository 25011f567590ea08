import type { AmlRun } from "./types";

/** Base of every error aml/ throws: a message a user can act on. */
export class AmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A task input is missing or malformed (action, IDs, parameters). */
export class AmlInputError extends AmlError {}

/** The job spec (YAML or JSON) cannot be used; `line` is 1-based when known. */
export class AmlJobSpecError extends AmlError {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `job spec: ${message}` : `job spec line ${line}: ${message}`);
  }
}

/** What the request named does not exist (published pipeline, endpoint, run, job). */
export class AmlNotFoundError extends AmlError {}

/** 401 / 403: which identity was refused and what it needs. */
export class AmlAuthError extends AmlError {
  constructor(
    message: string,
    readonly status: 401 | 403,
  ) {
    super(message);
  }
}

/** Any other refusal or failure of an AML or ARM request. */
export class AmlRequestError extends AmlError {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The run did not end within the wait's timeout (the caller decides whether to cancel it). */
export class AmlRunTimeoutError extends AmlError {
  constructor(
    readonly run: AmlRun,
    readonly timeoutMs: number,
  ) {
    super(`AML run ${run.runId} is still ${run.status} after ${formatDuration(timeoutMs)}: ${run.studioUrl}`);
  }
}

/** The wait was aborted through its AbortSignal (the pipeline was canceled). */
export class AmlWaitAbortedError extends AmlError {
  constructor(readonly run: AmlRun) {
    super(`waiting for AML run ${run.runId} was aborted while it was ${run.status}`);
  }
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
