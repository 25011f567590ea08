import { setTimeout as sleepFor } from "node:timers/promises";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  isRestError,
  proxyPolicy,
  retryPolicy,
  throttlingRetryPolicy,
  type HttpClient,
  type Pipeline,
  type PipelineResponse,
  type RetryStrategy,
} from "@azure/core-rest-pipeline";
import { AmlAuthError, AmlNotFoundError, AmlRequestError } from "./errors";
import type { AmlDeps, AmlWorkspaceRef } from "./types";

/** One AML request's context: who asks, about which workspace, abortable. */
export interface AmlCall {
  deps: AmlDeps;
  workspace: AmlWorkspaceRef;
  signal?: AbortSignal;
}

/** What a request is about, for error messages: "published pipeline 'x'" and "submit runs". */
export interface RequestSubject {
  what: string;
  doing: string;
}

/**
 * Tokens for ARM and the AML data plane both use the ARM scope: AML's regional APIs accept ARM tokens (what SDK v1
 * and Microsoft's REST examples send), which also keeps sovereign clouds and the sandbox working without a second
 * audience.
 */
export function armScope(armEndpoint: string): string {
  return `${armEndpoint.replace(/\/+$/, "")}/.default`;
}

const MAX_RETRIES = 3;
const TRANSIENT_NETWORK = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "ESOCKETTIMEDOUT"]);
const RETRYABLE_GET = new Set([429, 500, 502, 503, 504]);

/**
 * GETs are repeated on 5xx, on a 429 without Retry-After (throttlingRetryPolicy takes those with one) and after a
 * dropped connection; a POST or PUT may already have submitted a run, so only throttling repeats it. A refused
 * connection or an unknown name is a network or DNS set-up problem, not transient: reported at once.
 */
const transientGets: RetryStrategy = {
  name: "amlvnetTransientGets",
  retry({ retryCount, response, responseError }) {
    const request = response?.request ?? responseError?.request;
    if (request?.method !== "GET") return { skipStrategy: true };
    const transient = response
      ? RETRYABLE_GET.has(response.status) && !(response.status === 429 && response.headers.get("retry-after"))
      : TRANSIENT_NETWORK.has(responseError?.code ?? "");
    return transient ? { retryAfterInMs: 1000 * (retryCount + 1) } : { skipStrategy: true };
  },
};

/** Bearer tokens from AmlDeps.getToken, remembered so errors can name the identity that was refused. */
class DepsCredential implements TokenCredential {
  lastToken?: string;
  constructor(private readonly deps: AmlDeps) {}

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    const token = await this.deps.getToken(Array.isArray(scopes) ? scopes[0] : scopes);
    this.lastToken = token;
    const exp = decodeClaims(token).exp;
    return { token, expiresOnTimestamp: typeof exp === "number" ? exp * 1000 : Date.now() + 5 * 60_000 };
  }
}

interface AmlPipeline {
  pipeline: Pipeline;
  client: HttpClient;
  credential: DepsCredential;
}

const pipelines = new WeakMap<AmlDeps, AmlPipeline>();

/**
 * One core-rest-pipeline per AmlDeps, as the Azure SDK clients have: bearer token (ARM scope), throttling and
 * transient retries, and the proxy: the one AmlDeps.proxyFor picks per URL (the agent's), else HTTPS_PROXY/NO_PROXY.
 */
function pipelineOf(deps: AmlDeps): AmlPipeline {
  let entry = pipelines.get(deps);
  if (!entry) {
    const credential = new DepsCredential(deps);
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(proxyPolicy());
    pipeline.addPolicy(throttlingRetryPolicy({ maxRetries: MAX_RETRIES }), { phase: "Retry" });
    pipeline.addPolicy(retryPolicy([transientGets], { maxRetries: MAX_RETRIES }), { phase: "Retry" });
    pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: armScope(deps.armEndpoint) }), { phase: "Sign" });
    entry = { pipeline, client: deps.httpClient ?? createDefaultHttpClient(), credential };
    pipelines.set(deps, entry);
  }
  return entry;
}

/** The identity's current token (for run links' tenant and for messages). */
export async function currentToken(deps: AmlDeps): Promise<string> {
  return (await pipelineOf(deps).credential.getToken(armScope(deps.armEndpoint))).token;
}

/** A JSON request to the AML data plane or ARM; errors become AmlAuthError / AmlNotFoundError / AmlRequestError. */
export async function amlJson<T>(call: AmlCall, method: "GET" | "POST" | "PUT", url: string, subject: RequestSubject, body?: unknown): Promise<T> {
  const { pipeline, client, credential } = pipelineOf(call.deps);
  const request = createPipelineRequest({
    url,
    method,
    headers: createHttpHeaders({ accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) }),
    body: body === undefined ? undefined : JSON.stringify(body),
    abortSignal: call.signal,
    proxySettings: call.deps.proxyFor?.(url),
  });
  let response: PipelineResponse;
  try {
    response = await pipeline.sendRequest(client, request);
  } catch (error) {
    throw networkError(error, url, subject);
  }
  const text = response.bodyAsText ?? "";
  if (response.status >= 200 && response.status < 300) return (text ? JSON.parse(text) : undefined) as T;
  throw responseError(response.status, text, call.workspace, subject, credential.lastToken);
}

/** Turns an HTTP refusal into the error that names what to fix. */
export function responseError(status: number, text: string, workspace: AmlWorkspaceRef, subject: RequestSubject, token?: string): Error {
  const { code, message } = serviceError(text);
  const detail = message ? `: ${message}` : "";
  if (status === 401) {
    return new AmlAuthError(
      `Azure refused the token of ${describeIdentity(token)} for workspace ${workspace.name} (401${code ? ` ${code}` : ""})${detail}. Check the service connection's tenant, client ID and secret, certificate or federated credential.`,
      401,
    );
  }
  if (status === 403) {
    return new AmlAuthError(
      `${describeIdentity(token)} may not ${subject.doing} in workspace ${workspace.name} (403${code ? ` ${code}` : ""})${detail}. Assign it the "AzureML Data Scientist" role (or Contributor) on ${workspace.id}.`,
      403,
    );
  }
  if (status === 404) return new AmlNotFoundError(`${subject.what} not found in workspace ${workspace.name}${message ? ` (${message})` : ""}`);
  return new AmlRequestError(
    `could not ${subject.doing} (${subject.what}) in workspace ${workspace.name}: HTTP ${status}${code ? ` ${code}` : ""}${detail}`,
    status,
    code,
  );
}

/** `{error:{code,message}}` (ARM and AML alike), or the start of whatever else came back. */
export function serviceError(text: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (parsed?.error) return { code: stringOrUndefined(parsed.error.code), message: stringOrUndefined(parsed.error.message) };
  } catch {
    // not JSON: fall through
  }
  return { message: text.trim().slice(0, 300) || undefined };
}

/** "app <appid> (object <oid>)" from the token's claims, read without verification (for messages only). */
export function describeIdentity(token: string | undefined): string {
  const claims = token ? decodeClaims(token) : {};
  const appId = stringOrUndefined(claims.appid) ?? stringOrUndefined(claims.azp);
  const objectId = stringOrUndefined(claims.oid);
  const user = stringOrUndefined(claims.upn) ?? stringOrUndefined(claims.unique_name);
  if (user) return `user ${user}${objectId ? ` (object ${objectId})` : ""}`;
  if (appId) return `the service principal with app ID ${appId}${objectId ? ` (object ${objectId})` : ""}`;
  return "the service connection's identity";
}

export function decodeClaims(token: string): Record<string, unknown> {
  try {
    const payload = token.split(".")[1] ?? "";
    const parsed: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function networkError(error: unknown, url: string, subject: RequestSubject): Error {
  if ((error as Error)?.name === "AbortError" || !isRestError(error)) return error as Error;
  const reason = error.code && error.code !== "REQUEST_SEND_ERROR" ? error.code : error.message;
  return new AmlRequestError(
    `could not ${subject.doing} (${subject.what}): ${new URL(url).host} is unreachable (${reason}). From a private network, check that the workspace's private endpoint and its DNS records resolve from this agent.`,
  );
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

/** Resolves after `ms`; rejects (AbortError) when `signal` aborts first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepFor(ms, undefined, { signal });
}
