import { clientsPerSubscription, createDefaultCredential } from "../azure/clients";
import { CloudEndpoints, CloudName, resolveCloud } from "../azure/cloud";
import { connectionErrorLine, ConnectionSettings, explainAuthError, explainEndpointError } from "../azure/connection-errors";
import type { ClientsForSubscription } from "../readiness/topology/read-topology";
import { UsageError } from "./args";

/** Credential and per-subscription clients for a CLI command, from the environment (the CLI's edge). */
export function azureContext(cloud: CloudName, env: NodeJS.ProcessEnv): { clientsFor: ClientsForSubscription; endpoints: CloudEndpoints } {
  for (const name of ["AMLVNET_ARM_ENDPOINT", "AZURE_AUTHORITY_HOST"] as const) {
    const value = env[name];
    if (value && !/^https?:\/\/[^\s/]+/i.test(value))
      throw new UsageError(`${name} '${value}' is not a URL; set it to https://<host>[:port] or unset it to use the ${cloud} default`);
  }
  const endpoints = resolveCloud(cloud, env);
  const credential = createDefaultCredential(endpoints);
  return { endpoints, clientsFor: clientsPerSubscription(credential, endpoints) };
}

function settingsFrom(endpoints: CloudEndpoints, env: NodeJS.ProcessEnv): ConnectionSettings {
  return {
    authorityHost: endpoints.authorityHost,
    tenantId: env.AZURE_TENANT_ID,
    authoritySetting: env.AZURE_AUTHORITY_HOST ? "AZURE_AUTHORITY_HOST" : `the ${endpoints.cloud} authority`,
    tenantSetting: "AZURE_TENANT_ID",
    clientSetting: "AZURE_CLIENT_ID",
    secretSetting: "AZURE_CLIENT_SECRET",
  };
}

/**
 * An authentication or connection failure as one line naming the real cause and its fix (a UsageError: exit 2),
 * or undefined when the error is something else.
 */
export async function explainAzureFailure(
  error: unknown,
  endpoints: CloudEndpoints,
  env: NodeJS.ProcessEnv,
  others: Array<{ url: string; setting: string }> = [],
): Promise<UsageError | undefined> {
  const arm = { url: endpoints.armEndpoint, setting: env.AMLVNET_ARM_ENDPOINT ? "AMLVNET_ARM_ENDPOINT" : `the ${endpoints.cloud} ARM endpoint` };
  const candidates = [
    { url: endpoints.authorityHost, setting: env.AZURE_AUTHORITY_HOST ? "AZURE_AUTHORITY_HOST" : `the ${endpoints.cloud} authority` },
    arm,
    ...others,
  ];
  // The endpoint the failed request went to: by its URL when the SDK kept it, else by the host:port in the message.
  const where = `${(error as { request?: { url?: string } } | undefined)?.request?.url ?? ""} ${error instanceof Error ? error.message : ""}`;
  const named = /Azure DevOps/.test(where) ? others.find((c) => c.setting === "AZURE_DEVOPS_ORG_URL") : undefined;
  const target =
    named ?? [arm, ...candidates].find((c) => c.url && new RegExp(`${hostOf(c.url).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![0-9])`).test(where)) ?? arm;
  const endpoint = explainEndpointError(error, target.url, target.setting);
  if (endpoint)
    return new UsageError(connectionErrorLine(endpoint.cause === "unreachable" ? "cannot connect to Azure" : "cannot connect to Azure securely", endpoint));
  const missing = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"].filter((name) => !env[name]);
  const auth = await explainAuthError(error, settingsFrom(endpoints, env));
  if (!auth) return undefined;
  if (auth.cause === "no-credential" && missing.length > 0 && missing.length < 3) {
    return new UsageError(
      `cannot authenticate to Azure: ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not set (the others are); set ${missing.length === 1 ? "it" : "them"}, or unset all three to use a managed identity or 'az login'`,
    );
  }
  return new UsageError(connectionErrorLine("cannot authenticate to Azure", auth));
}

/** "Azure answered 500 InternalServerError: …" for a request Azure (or Azure DevOps) failed; undefined for other errors. */
export function serviceFailureLine(error: unknown): string | undefined {
  const e = error as { name?: unknown; statusCode?: unknown; code?: unknown; message?: unknown } | undefined;
  if (e?.name !== "RestError" || typeof e.statusCode !== "number") return undefined;
  return `Azure answered ${e.statusCode}${typeof e.code === "string" ? ` ${e.code}` : ""}: ${String(e.message).split("\n")[0]}`;
}

/** "127.0.0.1:41234" (or "management.azure.com") from a URL; the text itself when it is not one. */
function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
  } catch {
    return url;
  }
}
