import type { ArmService } from "../arm/arm-service";
import type { SandboxDirectory } from "../directory";
import type { TokenAuthority } from "../entra/token-authority";
import type { SandboxResponse } from "../http/message";

export class ScenarioError extends Error {}

/**
 * Sends ARM requests to the sandbox's own ARM service without TLS, faults or latency, as the default service
 * principal, completing long-running operations at once. Scenarios and tests build topologies with it.
 */
export class InProcessArmClient {
  constructor(
    private readonly arm: ArmService,
    private readonly authority: TokenAuthority,
    private readonly directory: SandboxDirectory,
    private readonly origin: string,
  ) {}

  request(method: string, id: string, apiVersion: string, body?: unknown): SandboxResponse {
    const url = new URL(`${this.origin}${id}`);
    url.searchParams.set("api-version", apiVersion);
    const token = this.authority.issueAppToken(this.directory.defaultApp, "https://management.azure.com/");
    const response = this.arm.handle({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
      origin: this.origin,
    }) as SandboxResponse;
    this.arm.settleAll(this.origin);
    return response;
  }

  /** PUTs a resource (or resource group) and returns its final body; throws on an ARM error. */
  put(id: string, apiVersion: string, body: unknown): Record<string, unknown> {
    const response = this.request("PUT", id, apiVersion, body);
    if (response.status >= 300) throw new ScenarioError(`PUT ${id} failed with ${response.status}: ${JSON.stringify(response.body)}`);
    return this.get(id, apiVersion) as Record<string, unknown>;
  }

  get(id: string, apiVersion: string): unknown {
    const response = this.request("GET", id, apiVersion);
    return response.status === 200 ? response.body : undefined;
  }

  delete(id: string, apiVersion: string): number {
    return this.request("DELETE", id, apiVersion).status;
  }
}
