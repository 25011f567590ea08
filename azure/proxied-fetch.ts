import {
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  createDefaultHttpClient,
  type HttpMethods,
  type ProxySettings,
} from "@azure/core-rest-pipeline";

/** The part of a fetch Response callers here use. */
export interface PlainResponse {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | undefined };
  text(): Promise<string>;
}

export interface PlainRequest {
  method?: HttpMethods;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** An explicit proxy (the agent's); without it HTTPS_PROXY / NO_PROXY apply. */
  proxy?: ProxySettings;
  timeoutMs?: number;
}

/**
 * A plain HTTPS request for the few calls that no Azure SDK client makes (Azure DevOps elastic pools, a boot
 * diagnostics blob): Node 20's global fetch ignores HTTPS_PROXY, core-rest-pipeline honours HTTPS_PROXY / NO_PROXY
 * like every SDK client. No retries here: callers decide what may be repeated. Network errors are RestErrors whose
 * `code` is the system code (ECONNREFUSED, ENOTFOUND...).
 */
export async function fetchThroughPipeline(url: string, init: PlainRequest = {}): Promise<PlainResponse> {
  const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 0 }, proxyOptions: init.proxy });
  const request = createPipelineRequest({
    url,
    method: init.method ?? "GET",
    headers: createHttpHeaders(init.headers),
    body: init.body,
    abortSignal: init.signal,
    timeout: init.timeoutMs,
  });
  const response = await pipeline.sendRequest(createDefaultHttpClient(), request);
  const text = response.bodyAsText ?? "";
  return {
    status: response.status,
    ok: response.status >= 200 && response.status < 300,
    headers: { get: (name) => response.headers.get(name) },
    text: async () => text,
  };
}
