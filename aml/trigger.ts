import { AmlInputError, AmlRunTimeoutError, AmlWaitAbortedError } from "./errors";
import { AmlCall, delay } from "./http";
import { AmlDeps, AmlRun, AmlTriggerRequest, isTerminal, PIPELINE_ACTIONS, PipelineAction, WaitOptions } from "./types";
import { cancelV1Run, refreshV1Run, submitPipelineEndpoint, submitPublishedPipeline } from "./v1-pipelines";
import { cancelPipelineJob, refreshPipelineJob, submitPipelineJob } from "./v2-jobs";

/** One way to run something in AML: submit it, read its status again, cancel it. */
interface RunKind {
  submit(call: AmlCall, request: AmlTriggerRequest): Promise<AmlRun>;
  refresh(call: AmlCall, run: AmlRun): Promise<AmlRun>;
  cancel(call: AmlCall, run: AmlRun): Promise<void>;
}

const KINDS: Record<Exclude<PipelineAction, "none">, RunKind> = {
  publishedPipeline: { submit: submitPublishedPipeline, refresh: refreshV1Run, cancel: cancelV1Run },
  pipelineEndpoint: { submit: submitPipelineEndpoint, refresh: refreshV1Run, cancel: cancelV1Run },
  job: { submit: submitPipelineJob, refresh: refreshPipelineJob, cancel: cancelPipelineJob },
};

function kindOf(action: string): RunKind {
  if (action === "none") throw new AmlInputError("pipelineAction 'none' triggers nothing: check for it before calling triggerAmlRun");
  const kind = PIPELINE_ACTIONS.includes(action as PipelineAction) ? KINDS[action as Exclude<PipelineAction, "none">] : undefined;
  if (!kind) throw new AmlInputError(`unknown pipelineAction '${action}' (expected one of ${PIPELINE_ACTIONS.join(", ")})`);
  return kind;
}

/**
 * Submits the AML run the request describes: a published pipeline (POST to its REST endpoint), a pipeline endpoint
 * (given or default version) or a v2 pipeline job (ARM). Returns at once with the run's first status.
 */
export async function triggerAmlRun(request: AmlTriggerRequest, deps: AmlDeps, signal?: AbortSignal): Promise<AmlRun> {
  return kindOf(request.action).submit({ deps, workspace: request.workspace, signal }, request);
}

/** The run's current status (one request). */
export async function refreshAmlRun(run: AmlRun, deps: AmlDeps, signal?: AbortSignal): Promise<AmlRun> {
  return kindOf(run.kind).refresh({ deps, workspace: run.workspace, signal }, run);
}

/**
 * Polls the run every `pollIntervalMs` until it ends and returns it: Completed/Finished, and also Failed or Canceled
 * (returned, not thrown: the caller decides). Throws AmlRunTimeoutError after `timeoutMs` (without canceling: the
 * caller cancels) and AmlWaitAbortedError when `signal` aborts.
 */
export async function waitForAmlRun(run: AmlRun, deps: AmlDeps, options: WaitOptions): Promise<AmlRun> {
  const deadline = Date.now() + options.timeoutMs;
  let current = run;
  try {
    for (;;) {
      current = await pollBefore(deadline, current, deps, options);
      options.onProgress?.(current);
      if (isTerminal(current.status)) return current;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new AmlRunTimeoutError(current, options.timeoutMs);
      await delay(Math.min(options.pollIntervalMs, remaining), options.signal);
    }
  } catch (error) {
    if (options.signal?.aborted && !(error instanceof AmlRunTimeoutError)) throw new AmlWaitAbortedError(current);
    throw error;
  }
}

/** One status poll, abandoned (as a timeout) when it hangs past the wait's deadline (given at least 5 s). */
async function pollBefore(deadline: number, run: AmlRun, deps: AmlDeps, options: WaitOptions): Promise<AmlRun> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new Error("status poll outlived the wait's timeout")), Math.max(deadline - Date.now(), 5000));
  try {
    return await refreshAmlRun(run, deps, controller.signal);
  } catch (error) {
    if (controller.signal.aborted && !options.signal?.aborted) throw new AmlRunTimeoutError(run, options.timeoutMs);
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** Asks AML to cancel the run and returns its status right after (CancelRequested or Canceled, or its end state). */
export async function cancelAmlRun(run: AmlRun, deps: AmlDeps): Promise<AmlRun> {
  const kind = kindOf(run.kind);
  const call = { deps, workspace: run.workspace };
  await kind.cancel(call, run);
  return kind.refresh(call, run);
}
