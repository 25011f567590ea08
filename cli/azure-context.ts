import { clientsPerSubscription, createDefaultCredential } from "../azure/clients";
import { CloudName, resolveCloud } from "../azure/cloud";
import type { ClientsForSubscription } from "../readiness/topology/read-topology";

/** Credential and per-subscription clients for a CLI command, from the environment (the CLI's edge). */
export function azureContext(cloud: CloudName, env: NodeJS.ProcessEnv): { clientsFor: ClientsForSubscription } {
  const endpoints = resolveCloud(cloud, env);
  const credential = createDefaultCredential(endpoints);
  return { clientsFor: clientsPerSubscription(credential, endpoints) };
}

/** Auth failures from @azure/identity, turned into one line that says what to set. */
export function explainAuthError(error: unknown): string | undefined {
  const e = error as { name?: string; message?: string };
  if (e?.name !== "CredentialUnavailableError" && e?.name !== "AuthenticationError" && e?.name !== "AggregateAuthenticationError") return undefined;
  const aadsts = /AADSTS\d+: [^.]+\./.exec(e.message ?? "")?.[0];
  if (aadsts?.startsWith("AADSTS7000215")) return `cannot authenticate: ${aadsts} Check AZURE_CLIENT_SECRET (the secret's value, not its ID).`;
  if (aadsts?.startsWith("AADSTS7000222")) return `cannot authenticate: ${aadsts} Create a new client secret for AZURE_CLIENT_ID and set AZURE_CLIENT_SECRET.`;
  if (aadsts) return `cannot authenticate: ${aadsts}`;
  return "cannot authenticate to Azure: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or use a managed identity, or 'az login')";
}
