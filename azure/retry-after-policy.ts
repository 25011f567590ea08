import { setTimeout as sleepFor } from "node:timers/promises";
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";

const MAX_WAIT_MS = 60_000;

function retryAfterMs(response: PipelineResponse): number | undefined {
  const value = response.headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_WAIT_MS) : undefined;
}

function monitorUrl(response: PipelineResponse): string | undefined {
  return response.headers.get("azure-asyncoperation") ?? response.headers.get("operation-location") ?? response.headers.get("location") ?? undefined;
}

/**
 * The SDK pollers (core-lro) poll a long-running operation once right after the request that started it, whatever
 * its Retry-After said, and only honour Retry-After from the polls on. ARM asks clients to wait: this policy
 * remembers, per operation URL, when the last answer allows the next poll, and holds a GET of that URL until then.
 */
export function retryAfterPolicy(): PipelinePolicy {
  const notBefore = new Map<string, number>();
  return {
    name: "amlvnetRetryAfterPolicy",
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      if (request.method === "GET") {
        const due = notBefore.get(request.url);
        if (due !== undefined) {
          notBefore.delete(request.url);
          const remaining = due - Date.now();
          if (remaining > 0) await sleepFor(remaining, undefined, { signal: request.abortSignal as AbortSignal | undefined });
        }
      }
      const response = await next(request);
      const delay = retryAfterMs(response);
      if (delay !== undefined) {
        // A write that started an operation names where to poll; a poll answers for its own URL.
        const target = request.method === "GET" ? request.url : response.status === 201 || response.status === 202 ? monitorUrl(response) : undefined;
        if (target && response.status !== 429) notBefore.set(target, Date.now() + delay);
      }
      return response;
    },
  };
}
