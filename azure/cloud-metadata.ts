import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { createDefaultHttpClient, createPipelineFromOptions, createPipelineRequest, type ProxySettings } from "@azure/core-rest-pipeline";
import type { CloudEndpoints } from "./cloud";

/** The api-version Azure Stack Hub documents for its metadata endpoint; public ARM answers it with the same shape. */
export const METADATA_API_VERSION = "2015-01-01";

/**
 * The ARM token audience a cloud's metadata names: GET <arm>/metadata/endpoints?api-version=2015-01-01 answers
 * {galleryEndpoint, graphEndpoint, portalEndpoint, authentication: {loginEndpoint, audiences[]}} (Azure Stack Hub
 * docs "Connect to Azure Stack Hub with API"; azure-pipelines-tasks azure-arm-rest azure-arm-endpoint.ts reads
 * authentication.audiences[0] as activeDirectoryResourceId for AzureStack connections).
 */
export function audienceFromMetadata(document: unknown): string | undefined {
  const authentication = (document as { authentication?: { audiences?: unknown } } | undefined)?.authentication;
  const audiences: unknown = authentication?.audiences;
  const first: unknown = Array.isArray(audiences) ? audiences[0] : undefined;
  return typeof first === "string" && /^https?:\/\//.test(first) ? first : undefined;
}

/** A v1 resource as a v2 scope, as az does: "https://management.core.windows.net/" -> ".../.default" (one slash). */
export function scopeOfAudience(audience: string): string {
  return `${audience.endsWith("/") ? audience : `${audience}/`}.default`;
}

async function fetchMetadataScope(armEndpoint: string, proxyOptions?: ProxySettings): Promise<string | undefined> {
  const pipeline = createPipelineFromOptions({ proxyOptions, retryOptions: { maxRetries: 2 } });
  const request = createPipelineRequest({ url: `${armEndpoint}/metadata/endpoints?api-version=${METADATA_API_VERSION}`, method: "GET", timeout: 15_000 });
  try {
    const response = await pipeline.sendRequest(createDefaultHttpClient(), request);
    if (response.status !== 200 || !response.bodyAsText) return undefined;
    const audience = audienceFromMetadata(JSON.parse(response.bodyAsText));
    return audience ? scopeOfAudience(audience) : undefined;
  } catch {
    // No metadata (not an ARM that publishes it): the ARM URL itself stays the audience, as before.
    return undefined;
  }
}

/**
 * For a custom ARM endpoint (Azure Stack Hub), asks for ARM tokens with the audience the cloud's metadata names
 * instead of the ARM URL: the first token request reads the metadata once; any other scope passes through.
 */
class CloudAudienceCredential implements TokenCredential {
  private scope?: Promise<string>;

  constructor(
    private readonly inner: TokenCredential,
    private readonly endpoints: CloudEndpoints,
    private readonly proxyOptions?: ProxySettings,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const list = Array.isArray(scopes) ? scopes : [scopes];
    if (!list.includes(this.endpoints.armScope)) return this.inner.getToken(scopes, options);
    this.scope ??= fetchMetadataScope(this.endpoints.armEndpoint, this.proxyOptions).then((found) => found ?? this.endpoints.armScope);
    const armScope = await this.scope;
    return this.inner.getToken(
      list.map((s) => (s === this.endpoints.armScope ? armScope : s)),
      options,
    );
  }
}

/** The credential as ARM clients of these endpoints should use it (unchanged for the clouds' own ARM endpoints). */
export function withCloudAudience(credential: TokenCredential, endpoints: CloudEndpoints, proxyOptions?: ProxySettings): TokenCredential {
  return endpoints.customArm ? new CloudAudienceCredential(credential, endpoints, proxyOptions) : credential;
}
