import { spawn, ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { referenceIds } from "../readiness/helpers";

let bundled: Promise<string> | undefined;

/**
 * The task as the agent runs it: bundled by the packaging script into a temp dir with no node_modules anywhere
 * above it, task.json beside index.js. Built once per test process.
 */
export function bundledTaskEntry(): Promise<string> {
  bundled ??= (async () => {
    const outRoot = mkdtempSync(join(tmpdir(), "amlvnet-bundle-"));
    // scripts/ is plain JS shared with `npm run package`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { bundleTasks } = require(join(process.cwd(), "scripts", "package", "bundle-tasks.js")) as {
      bundleTasks: (o: { root: string; outRoot: string; quiet?: boolean }) => Promise<Array<{ outDir: string }>>;
    };
    const [task] = await bundleTasks({ root: process.cwd(), outRoot, quiet: true });
    return join(task.outDir, "index.js");
  })();
  return bundled;
}

export const CONNECTION_ID = "6b1f3c9e-2d4a-4f8b-9c7e-1a2b3c4d5e6f";

export type ConnectionScheme =
  | { scheme: "ServicePrincipal"; authenticationType: "spnKey"; clientId: string; secret: string }
  | { scheme: "ServicePrincipal"; authenticationType: "spnCertificate"; clientId: string; certificate: string }
  | { scheme: "WorkloadIdentityFederation"; clientId: string }
  | { scheme: "ManagedServiceIdentity"; msiClientId?: string };

/** The AzureRM service connection as the sandbox's default app, signing in with its client secret. */
export function secretConnectionOf(sandbox: RunningSandbox): ConnectionScheme {
  return { scheme: "ServicePrincipal", authenticationType: "spnKey", clientId: sandbox.env.AZURE_CLIENT_ID, secret: sandbox.env.AZURE_CLIENT_SECRET };
}

/** The task's inputs for the reference scenario's workspace and agent VNet, without probes; `extra` adds or overrides. */
export function referenceInputs(sandbox: RunningSandbox, extra: Record<string, string> = {}): Record<string, string> {
  const ids = referenceIds(sandbox);
  return { workspace: ids.workspaceId, agentVnet: ids.agentVnetId, probe: "false", ...extra };
}

export interface TaskRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment the agent gives a task: INPUT_* for inputs, ENDPOINT_* for the AzureRM service connection
 * (URL, auth scheme and parameters, data), SYSTEM_* and AGENT_* variables.
 */
export function agentEnvironment(
  sandbox: RunningSandbox,
  inputs: Record<string, string>,
  connection: ConnectionScheme,
  extra: Record<string, string> = {},
  id = CONNECTION_ID,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? "",
    AGENT_TEMPDIRECTORY: mkdtempSync(join(tmpdir(), "amlvnet-agent-")),
    SYSTEM_JOBID: "job-1",
    SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: `${sandbox.env.AZURE_DEVOPS_ORG_URL}/`,
    INPUT_POLLINTERVALSECONDS: "0.15",
    AMLVNET_IMDS_ENDPOINT: "http://127.0.0.1:9",
    INPUT_AZURESUBSCRIPTION: id,
    [`ENDPOINT_URL_${id}`]: sandbox.origin,
    [`ENDPOINT_DATA_${id}_SUBSCRIPTIONID`]: sandbox.env.AZURE_SUBSCRIPTION_ID,
    [`ENDPOINT_DATA_${id}_SUBSCRIPTIONNAME`]: "ml-prod-connection",
    [`ENDPOINT_DATA_${id}_ENVIRONMENT`]: "AzureCloud",
    [`ENDPOINT_DATA_${id}_ENVIRONMENTAUTHORITYURL`]: sandbox.env.AZURE_AUTHORITY_HOST,
    [`ENDPOINT_AUTH_SCHEME_${id}`]: connection.scheme,
  };
  const parameters: Record<string, string> = { tenantid: sandbox.env.AZURE_TENANT_ID };
  if (connection.scheme === "ServicePrincipal") {
    parameters.serviceprincipalid = connection.clientId;
    parameters.authenticationType = connection.authenticationType;
    if (connection.authenticationType === "spnKey") parameters.serviceprincipalkey = connection.secret;
    else parameters.servicePrincipalCertificate = connection.certificate;
  } else if (connection.scheme === "WorkloadIdentityFederation") {
    parameters.serviceprincipalid = connection.clientId;
    env.SYSTEM_OIDCREQUESTURI = `${sandbox.env.AZURE_DEVOPS_ORG_URL}/project-1/_apis/distributedtask/hubs/build/plans/plan-1/jobs/job-1/oidctoken`;
  } else if (connection.msiClientId) {
    env[`ENDPOINT_DATA_${id}_MSICLIENTID`] = connection.msiClientId;
  }
  Object.assign(env, systemVssConnection(sandbox, sandbox.oidc.issueJobAccessToken()));
  env[`ENDPOINT_AUTH_${id}`] = JSON.stringify({ scheme: connection.scheme, parameters });
  for (const [key, value] of Object.entries(parameters)) env[`ENDPOINT_AUTH_PARAMETER_${id}_${key.toUpperCase()}`] = value;
  for (const [key, value] of Object.entries(inputs)) env[`INPUT_${key.toUpperCase()}`] = value;
  return { ...env, ...extra };
}

/**
 * The job's own connection, as the agent gives it to every task (Agent.Worker Handler.AddEndpointsToEnvironment:
 * the system connection is keyed by its name): URL, authorization object, scheme OAuth and each parameter. The
 * agent does not set SYSTEM_ACCESSTOKEN unless the pipeline maps it, so neither does this.
 */
export function systemVssConnection(sandbox: RunningSandbox, accessToken: string): Record<string, string> {
  return {
    ENDPOINT_URL_SYSTEMVSSCONNECTION: `${sandbox.env.AZURE_DEVOPS_ORG_URL}/`,
    ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ parameters: { AccessToken: accessToken }, scheme: "OAuth" }),
    ENDPOINT_AUTH_SCHEME_SYSTEMVSSCONNECTION: "OAuth",
    ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: accessToken,
  };
}

export function startTask(env: Record<string, string>, entry: string): { child: ChildProcess; done: Promise<TaskRun> } {
  const child = spawn(process.execPath, [entry], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = once(child, "exit").then(([code]) => ({ code: code as number | null, stdout, stderr }));
  return { child, done };
}

export function runTask(env: Record<string, string>, entry: string): Promise<TaskRun> {
  return startTask(env, entry).done;
}

/** The result the task reported with ##vso[task.complete]. */
export function taskResult(stdout: string): string | undefined {
  return /##vso\[task\.complete result=(\w+);/.exec(stdout)?.[1];
}

/** The value an output variable ends with (the last ##vso[task.setvariable] wins, as on the agent). */
export function outputVariable(stdout: string, name: string): string | undefined {
  const matches = [...stdout.matchAll(new RegExp(`##vso\\[task\\.setvariable variable=${name};[^\\]]*isOutput=true[^\\]]*\\](.*)`, "g"))];
  return matches.at(-1)?.[1].trim();
}
