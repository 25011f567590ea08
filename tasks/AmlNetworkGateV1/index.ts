import { existsSync } from "node:fs";
import { join } from "node:path";
import * as tl from "azure-pipelines-task-lib/task";
import { clientsPerSubscription } from "../../azure/clients";
import { CheckSetupError } from "../../readiness/errors";
import { InvalidDnsServerError } from "../../readiness/probe/resolver";
import { agentProxyFor } from "./agent-proxy";
import { runGate } from "./gate-step";
import { InputError, readInputs, workspaceIdFrom } from "./inputs";
import { publishReport, reportDirectory } from "./publish-report";
import { explainConnectionError, readServiceConnection, ServiceConnection, ServiceConnectionError } from "./service-connection";
import { runTrigger, TriggerError } from "./trigger-step";

function taskJsonPath(): string {
  const beside = join(__dirname, "task.json");
  // A development build (build/tasks/...) runs without the bundle's copy: use the source folder's.
  return existsSync(beside) ? beside : join(__dirname, "..", "..", "..", "tasks", "AmlNetworkGateV1", "task.json");
}

/** The task's own failures in the agent's language; errors of the shared engine keep their (English) text inside. */
async function failureMessage(error: unknown, connection: ServiceConnection | undefined): Promise<string> {
  const auth = connection ? await explainConnectionError(error, connection) : undefined;
  if (auth) return auth;
  if (error instanceof InputError || error instanceof ServiceConnectionError) return error.message;
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof InvalidDnsServerError) return tl.loc("InputDnsServerInvalid", text);
  if (error instanceof CheckSetupError) return tl.loc("SetupFailed", text);
  if (error instanceof TriggerError) return tl.loc("TriggerFailed", text);
  return tl.loc("UnexpectedError", text);
}

/** Thin adapter: inputs and service connection in, domain calls, results out to the agent. */
async function run(): Promise<void> {
  tl.setResourcePath(taskJsonPath());
  let connection: ServiceConnection | undefined;
  try {
    const inputs = readInputs();
    connection = readServiceConnection(inputs.connectionId, agentProxyFor());
    const clientsFor = clientsPerSubscription(connection.credential, connection.endpoints, connection.proxyFor);
    const workspaceId = workspaceIdFrom(inputs, connection.subscriptionId);
    tl.debug(
      `workspace ${workspaceId}; agent VNet ${inputs.agentVnetId ?? "from IMDS"}; probe ${inputs.probe}; failOn ${inputs.failOn}; trigger ${inputs.trigger.action}`,
    );
    console.log(tl.loc("GateStarting", workspaceId, inputs.agentVnetId ?? tl.loc("AgentVnetFromImdsPending")));
    const gate = await runGate(inputs, {
      workspaceId,
      cloud: connection.endpoints.cloud,
      clientsFor,
      imdsEndpoint: process.env.AMLVNET_IMDS_ENDPOINT,
      onAgentVnetDiscovered: (id) => console.log(tl.loc("AgentVnetFromImds", id)),
    });
    const { report } = gate;
    tl.debug(
      `gate: ready ${report.ready}, ${report.summary.errors} errors, ${report.summary.warnings} warnings, ${report.summary.checks} checks; topology ${Math.round(gate.timings.topologyMs)} ms, probes ${Math.round(gate.timings.probesMs)} ms`,
    );
    publishReport(report, reportDirectory(), gate.timings);
    const counts = tl.loc("GateCounts", report.summary.errors, report.summary.warnings);
    if (!report.ready) {
      tl.debug("decision: not ready, the trigger is skipped");
      tl.setResult(tl.TaskResult.Failed, tl.loc("GateNotReadyTriggerSkipped", counts));
      return;
    }
    const outcome = await runTrigger(inputs.trigger, { workspaceId, connection, clientsFor });
    if (outcome.failed) {
      tl.setResult(tl.TaskResult.Failed, outcome.message);
    } else if (report.summary.warnings > 0) {
      tl.setResult(tl.TaskResult.SucceededWithIssues, tl.loc("GateWarningsThen", counts, outcome.message));
    } else {
      tl.setResult(tl.TaskResult.Succeeded, outcome.message);
    }
  } catch (error) {
    tl.debug(`failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    tl.setResult(tl.TaskResult.Failed, await failureMessage(error, connection));
  }
}

void run();
