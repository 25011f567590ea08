import { AGENT_VERSION } from "./agent-version";

/**
 * The agent's REST client: JSON over HTTPS with the Azure DevOps conventions (api-version in Accept,
 * X-TFS-FedAuthRedirect: Suppress) and the retries of the agent's VSS HTTP handler (transport errors, 429 and
 * 5xx, honouring Retry-After). Errors carry the message the agent prints.
 */

export class ServiceError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly typeKey?: string,
  ) {
    super(message);
  }
}

export type Credentials = { pat: string } | { bearer: string } | { none: true };

export interface RequestOptions {
  apiVersion?: string;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

const RETRIED_STATUS = new Set([429, 500, 502, 503, 504]);
const ATTEMPTS = 5;

function authorization(credentials: Credentials): Record<string, string> {
  if ("pat" in credentials) return { Authorization: `Basic ${Buffer.from(`:${credentials.pat}`).toString("base64")}` };
  if ("bearer" in credentials) return { Authorization: `Bearer ${credentials.bearer}` };
  return {};
}

function delayMs(attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 10) * 1000;
  return Math.min(250 * 2 ** attempt, 2000);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Service JSON read by narrowing: an object's fields, or none for anything else (the package has no other helpers). */
export function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Sends one request (retrying what the agent retries) and returns the parsed JSON body, if any. */
export async function send(method: string, url: string, credentials: Credentials, options: RequestOptions = {}): Promise<unknown> {
  const headers: Record<string, string> = {
    Accept: `application/json${options.apiVersion ? `;api-version=${options.apiVersion}` : ""}`,
    "X-TFS-FedAuthRedirect": "Suppress",
    "User-Agent": `VSServices/19.0 VstsAgentCore-linux-x64/${AGENT_VERSION} (Linux)`,
    ...authorization(credentials),
    ...options.headers,
  };
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["Content-Type"] = "application/json; charset=utf-8";
  } else if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body });
    } catch (error) {
      if (attempt + 1 >= ATTEMPTS) throw new ServiceError(`${(error as Error).message}: ${(error as { cause?: Error }).cause?.message ?? url}`, 0);
      await sleep(delayMs(attempt, null));
      continue;
    }
    if (RETRIED_STATUS.has(response.status) && attempt + 1 < ATTEMPTS) {
      await response.arrayBuffer();
      await sleep(delayMs(attempt, response.headers.get("retry-after")));
      continue;
    }
    return readResponse(response, url);
  }
}

async function readResponse(response: Response, url: string): Promise<unknown> {
  const text = await response.text();
  const isJson = (response.headers.get("content-type") ?? "").includes("json");
  const parsed: unknown = text && isJson ? JSON.parse(text) : undefined;
  // 203 is the sign-in page Azure DevOps sends a rejected credential when the redirect is not suppressed.
  if (response.status === 401 || response.status === 203) {
    throw new ServiceError(`VS30063: You are not authorized to access ${new URL(url).origin}.`, 401);
  }
  if (response.status >= 300) {
    const error = objectOf(parsed);
    const message = error.message ?? error.error_description ?? `${response.status} ${response.statusText}`;
    const typeKey = error.typeKey ?? error.error;
    throw new ServiceError(String(message), response.status, typeKey === undefined ? undefined : String(typeKey));
  }
  return parsed;
}
