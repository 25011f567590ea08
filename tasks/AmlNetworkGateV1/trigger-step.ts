import { readFileSync } from "node:fs";
import * as tl from "azure-pipelines-task-lib/task";
import { AmlRunTimeoutError, cancelAmlRun, parseParameters, triggerAmlRun, waitForAmlRun } from "../../aml";
import { idParts } from "../../readiness/topology/arm-id";
import type { ClientsForSubscription } from "../../readiness/topology/read-topology";
import type { TriggerInputs } from "./inputs";
import type { ServiceConnection } from "./service-connection";

export class TriggerError extends Error {}

export interface TriggerOutcome {
  failed: boolean;
  message: string;
}

/**
 * Triggers the AML pipeline (only called once the gate allows it), waits with progress lines, fails on
 * Failed/Canceled, cancels the run on timeout and when the pipeline run itself is canceled (SIGINT/SIGTERM).
 */
export async function runTrigger(
  inputs: TriggerInputs,
  context: { workspaceId: string; connection: ServiceConnection; clientsFor: ClientsForSubscription },
): Promise<TriggerOutcome> {
  if (inputs.action === "none") {
    tl.debug("decision: no trigger (pipelineAction none)");
    return { failed: false, message: tl.loc("TriggerNone") };
  }
  const ws = idParts(context.workspaceId);
  const workspace = await context.clientsFor(ws.subscriptionId).machineLearning.workspaces.get(ws.resourceGroup, ws.name);
  const deps = {
    armEndpoint: context.connection.endpoints.armEndpoint,
    proxyFor: context.connection.proxyFor,
    studio: context.connection.endpoints.amlStudio,
    apiSuffix: context.connection.endpoints.amlApiSuffix,
    getToken: async (scope: string) => {
      const token = await context.connection.credential.getToken(scope);
      if (!token) throw new TriggerError(tl.loc("TriggerNoToken", scope));
      return token.token;
    },
  };
  const parameters = inputs.parametersText ? parseParameters(inputs.parametersText) : undefined;
  const what = inputs.pipelineId ?? inputs.pipelineEndpointId ?? inputs.jobFile ?? "";
  tl.debug(
    `workspace ${ws.name}: location ${workspace.location}, discoveryUrl ${workspace.discoveryUrl ?? "(none)"}, v1LegacyMode ${workspace.v1LegacyMode ?? false}, privateLinkCount ${workspace.privateLinkCount ?? 0}`,
  );
  console.log(tl.loc("TriggerStarting", inputs.action, what, inputs.experimentName ?? tl.loc("ExperimentFromJob")));
  const run = await triggerAmlRun(
    {
      action: inputs.action,
      workspace: {
        id: context.workspaceId,
        name: ws.name,
        location: workspace.location ?? "",
        discoveryUrl: workspace.discoveryUrl ?? "",
        v1LegacyMode: workspace.v1LegacyMode ?? false,
        workspaceGuid: workspace.workspaceId,
        privateLinkCount: workspace.privateLinkCount,
      },
      pipelineId: inputs.pipelineId,
      pipelineEndpointId: inputs.pipelineEndpointId,
      pipelineVersion: inputs.pipelineVersion,
      jobSpec: inputs.jobFile ? readFileSync(inputs.jobFile, "utf8") : undefined,
      experimentName: inputs.experimentName,
      parameters,
    },
    deps,
  );
  tl.setVariable("runId", run.runId, false, true);
  tl.setVariable("runUrl", run.studioUrl ?? "", false, true);
  tl.setVariable("runStatus", run.status, false, true);
  console.log(tl.loc("RunSubmitted", run.runId, run.studioUrl ?? ""));
  tl.debug(`run ${run.runId}: ${run.kind}, status ${run.status}, experiment ${run.experimentName}`);
  if (!inputs.waitForCompletion) {
    console.log(tl.loc("RunNotWaited", run.runId));
    return { failed: false, message: tl.loc("RunNotWaited", run.runId) };
  }
  const abort = new AbortController();
  const onSignal = () => {
    console.log(tl.loc("RunCancelRequested", run.runId));
    abort.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const started = Date.now();
  const timeoutMs = inputs.timeoutMinutes * 60 * 1000;
  tl.setProgress(0, tl.loc("RunProgress", run.runId, run.status, "0"));
  try {
    const final = await waitForAmlRun(run, deps, {
      timeoutMs,
      pollIntervalMs: inputs.pollIntervalSeconds * 1000,
      signal: abort.signal,
      onProgress: (current) => {
        const elapsed = Date.now() - started;
        const line = tl.loc("RunProgress", current.runId, current.status, Math.round(elapsed / 1000));
        console.log(line);
        // Progress against the timeout: the only bound known in advance (AML reports no percentage).
        tl.setProgress(Math.min(99, Math.floor((elapsed / timeoutMs) * 100)), line);
        tl.debug(`poll: ${current.status} after ${elapsed} ms`);
      },
    });
    tl.setVariable("runStatus", final.status, false, true);
    tl.setProgress(100, tl.loc("RunProgress", final.runId, final.status, Math.round((Date.now() - started) / 1000)));
    if (abort.signal.aborted) {
      await cancelAmlRun(run, deps);
      tl.setVariable("runStatus", "Canceled", false, true);
      return { failed: true, message: tl.loc("RunCancelRequested", run.runId) };
    }
    if (final.status === "Completed" || final.status === "Finished") return { failed: false, message: tl.loc("RunCompleted", run.runId) };
    return { failed: true, message: tl.loc("RunFailed", run.runId, final.status, final.studioUrl ?? "") };
  } catch (error) {
    if (error instanceof AmlRunTimeoutError) {
      await cancelAmlRun(run, deps);
      tl.setVariable("runStatus", "Canceled", false, true);
      return { failed: true, message: tl.loc("RunTimedOut", run.runId, String(inputs.timeoutMinutes)) };
    }
    if (abort.signal.aborted) {
      await cancelAmlRun(run, deps);
      tl.setVariable("runStatus", "Canceled", false, true);
      return { failed: true, message: tl.loc("RunCancelRequested", run.runId) };
    }
    throw error;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}
