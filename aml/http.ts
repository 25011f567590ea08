import { setTimeout as sleepFor } from "node:timers/promises";
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

const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const MAX_RETRIES = 3;
const TRANSIENT_NETWORK = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT"]);

/** A JSON request to the AML data plane or ARM with a bearer token (GETs retried on 429/5xx); errors become AmlAuthError / AmlNotFoundError / AmlRequestError. */
export async function amlJson<T>(call: AmlCall, method: "GET" | "POST" | "PUT", url: string, subject: RequestSubject, body?: unknown): Promise<T> {
  const token = await call.deps.getToken(armScope(call.deps.armEndpoint));
  const doFetch = call.deps.fetch ?? fetch;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: call.signal,
      });
    } catch (error) {
      // A GET may be repeated after a dropped connection; a POST may already have submitted a run. A refused
      // connection or an unknown name is not transient (a network or DNS set-up problem): report it at once.
      if (call.signal?.aborted || method !== "GET" || attempt >= MAX_RETRIES || !TRANSIENT_NETWORK.has(causeCode(error) ?? "")) throw networkError(error, url, subject);
      await delay(1000 * (attempt + 1), call.signal);
      continue;
    }
    const text = await response.text();
    if (response.ok) return (text ? JSON.parse(text) : undefined) as T;
    const retryable = method === "GET" ? RETRYABLE.has(response.status) : response.status === 429;
    if (retryable && attempt < MAX_RETRIES) {
      await delay(retryAfterMs(response.headers.get("retry-after"), attempt), call.signal);
      continue;
    }
    throw responseError(response.status, text, call.workspace, subject, token);
  }
}

/** Turns an HTTP refusal into the error that names what to fix. */
export function responseError(status: number, text: string, workspace: AmlWorkspaceRef, subject: RequestSubject, token?: string): Error {
  const { code, message } = serviceError(text);
  const detail = message ? `: ${message}` : "";
  if (status === 401) {
    return new AmlAuthError(`Azure refused the token of ${describeIdentity(token)} for workspace ${workspace.name} (401${code ? ` ${code}` : ""})${detail}. Check the service connection's tenant, client ID and secret, certificate or federated credential.`, 401);
  }
  if (status === 403) {
    return new AmlAuthError(`${describeIdentity(token)} may not ${subject.doing} in workspace ${workspace.name} (403${code ? ` ${code}` : ""})${detail}. Assign it the "AzureML Data Scientist" role (or Contributor) on ${workspace.id}.`, 403);
  }
  if (status === 404) return new AmlNotFoundError(`${subject.what} not found in workspace ${workspace.name}${message ? ` (${message})` : ""}`);
  return new AmlRequestError(`could not ${subject.doing} (${subject.what}) in workspace ${workspace.name}: HTTP ${status}${code ? ` ${code}` : ""}${detail}`, status, code);
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

function causeCode(error: unknown): string | undefined {
  return (error as { cause?: { code?: string } })?.cause?.code;
}

function networkError(error: unknown, url: string, subject: RequestSubject): Error {
  if ((error as Error)?.name === "AbortError") return error as Error;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return new AmlRequestError(`could not ${subject.doing} (${subject.what}): ${new URL(url).host} is unreachable (${reason}). From a private network, check that the workspace's private endpoint and its DNS records resolve from this agent.`);
}

function retryAfterMs(header: string | null, attempt: number): number {
  const seconds = Number(header);
  if (header !== null && Number.isFinite(seconds)) return Math.min(seconds * 1000, 30_000);
  return 1000 * (attempt + 1);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

/** Resolves after `ms`; rejects (AbortError) when `signal` aborts first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepFor(ms, undefined, { signal });
}
