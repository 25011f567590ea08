import { ClientSecretCredential } from "@azure/identity";
import { AzureClients, createAzureClients } from "../../azure/clients";
import { resolveCloud } from "../../azure/cloud";
import type { RunningSandbox } from "../../sandbox/sandbox";

/** The product's own client factory, pointed at the sandbox by nothing but its env. */
export function sandboxClients(sandbox: RunningSandbox): AzureClients & { credential: ClientSecretCredential } {
  const endpoints = resolveCloud("AzureCloud", sandbox.env as unknown as Record<string, string>);
  const credential = new ClientSecretCredential(sandbox.env.AZURE_TENANT_ID, sandbox.env.AZURE_CLIENT_ID, sandbox.env.AZURE_CLIENT_SECRET, {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: true,
  });
  return { ...createAzureClients(credential, sandbox.env.AZURE_SUBSCRIPTION_ID, endpoints), credential };
}

/** A raw ARM call with a real token, for what no SDK method covers (or to see the wire response). */
// ARM bodies are free-form JSON; tests index into them directly.
export async function rawArm(
  sandbox: RunningSandbox,
  credential: ClientSecretCredential,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; headers: Headers; json: any }> {
  const token = await credential.getToken("https://management.azure.com/.default");
  const response = await fetch(`${sandbox.origin}${pathAndQuery}`, {
    method,
    headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

export function rgId(sandbox: RunningSandbox, name: string): string {
  return `/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${name}`;
}

/** Asserts that `promise` rejects with an ARM error of `code` (the SDK's RestError carries it). */
export async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    const actual = (error as { code?: string }).code;
    if (actual !== code) throw new Error(`expected ARM error ${code}, got ${actual}: ${(error as Error).message}`);
    return error as Error;
  }
  throw new Error(`expected ARM error ${code}, but the call succeeded`);
}
