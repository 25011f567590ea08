import type { IncomingHttpHeaders } from "node:http";

/** A request as the sandbox's protocol handlers see it: body already read, URL already parsed. */
export interface SandboxRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Origin clients used to reach us, e.g. https://127.0.0.1:8443; used to build absolute URLs. */
  origin: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings and buffers as they are. */
  body?: unknown;
}

/** A protocol handler answers the requests it owns and returns undefined for the others. */
export type Handler = (req: SandboxRequest) => Promise<SandboxResponse | undefined> | SandboxResponse | undefined;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, body, headers };
}

export function parseJsonBody(req: SandboxRequest): unknown {
  if (req.body.length === 0) return undefined;
  return JSON.parse(req.body.toString("utf8"));
}

export function parseFormBody(req: SandboxRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString("utf8"));
}

export function headerValue(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
