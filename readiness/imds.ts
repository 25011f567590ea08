import { CheckSetupError } from "./errors";

export const DEFAULT_IMDS_ENDPOINT = "http://169.254.169.254";
export const DEFAULT_IMDS_TIMEOUT_MS = 1500;

/** What the instance metadata service says about the machine this runs on (the fields the agent-VNet discovery needs). */
export interface InstanceIdentity {
  /** `.../virtualMachines/{vm}`, or on a Uniform scale-set instance `.../virtualMachineScaleSets/{vmss}/virtualMachines/{instanceId}`. */
  resourceId: string;
  /** The VM name, or `{vmss}_{instanceId}` on a scale-set instance. */
  name?: string;
}

const AGENT_VNET_FLAG = "pass --agent-vnet /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>";

/**
 * Asks IMDS (`GET /metadata/instance`, header `Metadata: true`) who this machine is. Each way it can fail reads
 * differently: nothing listening (not an Azure VM), no answer in time (IMDS blocked, or not on Azure), an HTTP
 * error, or an answer without `compute.resourceId`. IMDS must be reached directly, never through a proxy.
 */
export async function readInstanceIdentity(endpoint = DEFAULT_IMDS_ENDPOINT, timeoutMs = DEFAULT_IMDS_TIMEOUT_MS): Promise<InstanceIdentity> {
  const base = endpoint.replace(/\/+$/, "");
  let response: Response;
  try {
    response = await fetch(`${base}/metadata/instance?api-version=2021-02-01`, { headers: { Metadata: "true" }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw imdsUnreachable(base, timeoutMs, error);
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) {
    throw new CheckSetupError(
      `--agent-vnet is needed: the instance metadata service at ${base} answered HTTP ${response.status} (${imdsErrorText(text)}), so the agents' VNet cannot be found; ${AGENT_VNET_FLAG}`,
    );
  }
  const compute = parseCompute(text);
  if (!compute?.resourceId) {
    throw new CheckSetupError(
      `--agent-vnet is needed: the instance metadata service at ${base} answered without compute.resourceId, so the agents' VNet cannot be found; ${AGENT_VNET_FLAG}`,
    );
  }
  return { resourceId: compute.resourceId, ...(compute.name ? { name: compute.name } : {}) };
}

function imdsUnreachable(base: string, timeoutMs: number, error: unknown): CheckSetupError {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return new CheckSetupError(
      `--agent-vnet is needed: the instance metadata service at ${base} did not answer within ${timeoutMs} ms, so the agents' VNet cannot be found (on an Azure VM something blocks 169.254.169.254: a proxy without NO_PROXY=169.254.169.254, a firewall or a route; off Azure nothing answers there); ${AGENT_VNET_FLAG}`,
    );
  }
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const detail = cause?.code ?? cause?.message ?? "no connection";
  return new CheckSetupError(
    `--agent-vnet is needed: this machine is not an Azure VM (nothing answers at ${base}: ${detail}), so the agents' VNet cannot be found; ${AGENT_VNET_FLAG}`,
  );
}

function parseCompute(text: string): { resourceId?: string; name?: string } | undefined {
  try {
    const body: unknown = JSON.parse(text);
    const compute = (body as { compute?: unknown } | null)?.compute;
    if (!compute || typeof compute !== "object") return undefined;
    const { resourceId, name } = compute as { resourceId?: unknown; name?: unknown };
    return { resourceId: typeof resourceId === "string" ? resourceId : undefined, name: typeof name === "string" ? name : undefined };
  } catch {
    return undefined;
  }
}

function imdsErrorText(text: string): string {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof error === "string") return error;
  } catch {
    // not JSON: show the start of the text
  }
  return text.trim().split("\n")[0].slice(0, 200) || "no body";
}

export function agentVnetRequired(reason: string): CheckSetupError {
  return new CheckSetupError(`--agent-vnet is needed: ${reason}, so the agents' VNet cannot be found; ${AGENT_VNET_FLAG}`);
}
