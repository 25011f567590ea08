import { existsSync } from "node:fs";
import { join } from "node:path";
import * as tl from "azure-pipelines-task-lib/task";
import { AzureClients, createAzureClients } from "../../azure/clients";
import { CheckSetupError } from "../../readiness/errors";
import { InvalidDnsServerError } from "../../readiness/probe/resolver";
import { runGate } from "./gate-step";
import { InputError, readInputs, workspaceIdFrom } from "./inputs";
import { publishReport } from "./publish-report";
import { explainConnectionError, readServiceConnection, ServiceConnection, ServiceConnectionError } from "./service-connection";
import { runTrigger, TriggerError } from "./trigger-step";

function taskJsonPath(): string {
  const beside = join(__dirname, "task.json");
  // A development build (build/tasks/...) runs without the bundle's copy: use the source folder's.
  return existsSync(beside) ? beside : join(__dirname, "..", "..", "..", "tasks", "AmlNetworkGateV1", "task.json");
}

function clientsForConnection(connection: ServiceConnection): (subscriptionId: string) => AzureClients {
  const cache = new Map<string, AzureClients>();
  return (subscriptionId) => {
    const key = subscriptionId.toLowerCase();
    if (!cache.has(key)) cache.set(key, createAzureClients(connection.credential, key, connection.endpoints));
    return cache.get(key) as AzureClients;
  };
}

/** Thin adapter: inputs and service connection in, domain calls, results out to the agent. */
async function run(): Promise<void> {
  tl.setResourcePath(taskJsonPath());
  let connection: ServiceConnection | undefined;
  try {
    const inputs = readInputs();
    connection = readServiceConnection(inputs.connectionId);
    const clientsFor = clientsForConnection(connection);
    const workspaceId = workspaceIdFrom(inputs, connection.subscriptionId);
    console.log(tl.loc("GateStarting", workspaceId, inputs.agentVnetId ?? "(from instance metadata)"));
    const report = await runGate(inputs, {
      workspaceId,
      cloud: connection.endpoints.cloud,
      clientsFor,
      imdsEndpoint: process.env.AMLVNET_IMDS_ENDPOINT,
      onAgentVnetDiscovered: (id) => console.log(tl.loc("AgentVnetFromImds", id)),
    });
    const directory = join(tl.getVariable("Agent.TempDirectory") ?? tl.getVariable("Agent.BuildDirectory") ?? process.cwd(), "amlvnet", tl.getVariable("System.JobId") ?? "local");
    publishReport(report, directory);
    if (!report.ready) {
      tl.setResult(tl.TaskResult.Failed, `${tl.loc("GateNotReady", `${report.summary.errors} errors, ${report.summary.warnings} warnings`)} ${tl.loc("TriggerSkippedNotReady")}`);
      return;
    }
    const outcome = await runTrigger(inputs.trigger, { workspaceId, connection, clientsFor });
    if (outcome.failed) {
      tl.setResult(tl.TaskResult.Failed, outcome.message);
    } else if (report.summary.warnings > 0) {
      tl.setResult(tl.TaskResult.SucceededWithIssues, tl.loc("GateWarnings", `${report.summary.warnings} warnings`));
    } else {
      tl.setResult(tl.TaskResult.Succeeded, outcome.message);
    }
  } catch (error) {
    const auth = connection ? await explainConnectionError(error, connection) : undefined;
    if (auth) tl.setResult(tl.TaskResult.Failed, auth);
    else if (error instanceof InputError || error instanceof InvalidDnsServerError) tl.setResult(tl.TaskResult.Failed, tl.loc("InputInvalid", error.message));
    else if (error instanceof CheckSetupError || error instanceof ServiceConnectionError || error instanceof TriggerError) tl.setResult(tl.TaskResult.Failed, tl.loc("SetupFailed", error.message));
    else tl.setResult(tl.TaskResult.Failed, tl.loc("UnexpectedError", error instanceof Error ? error.message : String(error)));
  }
}

void run();
