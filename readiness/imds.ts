import { CheckSetupError } from "./errors";

export const DEFAULT_IMDS_ENDPOINT = "http://169.254.169.254";

/**
 * The resource ID of the Azure VM this process runs on, from the instance metadata service, or undefined when
 * not on Azure (IMDS does not answer within `timeoutMs`). The endpoint is overridable for tests.
 */
export async function currentVmResourceId(endpoint = DEFAULT_IMDS_ENDPOINT, timeoutMs = 1500): Promise<string | undefined> {
  try {
    const response = await fetch(`${endpoint.replace(/\/+$/, "")}/metadata/instance?api-version=2021-02-01`, { headers: { Metadata: "true" }, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { compute?: { resourceId?: string } };
    return body.compute?.resourceId || undefined;
  } catch {
    return undefined;
  }
}

export function agentVnetRequired(): CheckSetupError {
  return new CheckSetupError("--agent-vnet is needed: this machine is not an Azure VM (the instance metadata service did not answer), so the agents' VNet cannot be found; pass --agent-vnet /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>");
}
