import { createServer, Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FaultInjector } from "./faults";
import { Handler, SandboxRequest, SandboxResponse } from "./message";
import type { RequestLog } from "./request-log";
import type { SandboxTls } from "./tls";

export interface ServerOptions {
  port: number;
  latencyMs: number;
  tls: SandboxTls;
  handlers: Handler[];
  faults: FaultInjector;
  /** Paths that faults never hit (the token endpoint: MSAL does not retry, Entra is not what is under test). */
  faultExempt: (path: string) => boolean;
  /** Paths whose request bodies are not logged (they carry client secrets). */
  bodyNotLogged: (path: string) => boolean;
  log: RequestLog;
  subscriptionId: string;
}

/** The one HTTPS listener on 127.0.0.1: reads the body, injects latency and faults, asks each handler in turn. */
export async function startHttpsServer(options: ServerOptions): Promise<{ server: Server; origin: string }> {
  const server = createServer({ cert: options.tls.serverCertPem, key: options.tls.serverKeyPem }, (req, res) => {
    void serve(options, req, res, origin);
  });
  // Idle keep-alive sockets stay open 120 s, as Azure's front ends keep them (a client reusing one must not race a
  // close); headers must still arrive within headersTimeout, which has to exceed keepAliveTimeout.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, origin };
}

async function serve(options: ServerOptions, req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
  const started = Date.now();
  const body = await readBody(req);
  // ARM accepts "//subscriptions/..." (SDK getById joins "/" and a full ID); URL would read it as a host.
  const url = new URL((req.url ?? "/").replace(/^\/{2,}/, "/"), origin);
  if (options.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
  const logBase = { time: new Date(started).toISOString(), method: req.method ?? "GET", path: url.pathname + url.search };
  const loggedBody = body.length && !options.bodyNotLogged(url.pathname) ? { body: body.toString("utf8") } : {};
  const fault = options.faultExempt(url.pathname) ? undefined : options.faults.next(options.subscriptionId);
  if (fault?.kind === "reset") {
    options.log.write({ ...logBase, status: 0, durationMs: Date.now() - started, fault: "reset", ...loggedBody });
    req.socket.destroy();
    return;
  }
  let response: SandboxResponse;
  if (fault) {
    response = fault.response;
  } else {
    const request: SandboxRequest = { method: req.method ?? "GET", url, headers: req.headers, body, origin };
    response = await dispatch(options.handlers, request);
  }
  send(res, response);
  options.log.write({
    ...logBase,
    status: response.status,
    durationMs: Date.now() - started,
    ...(fault ? { fault: fault.kind } : {}),
    ...operationOf(response),
    ...loggedBody,
  });
}

/** The operation a 201/202 points to and its Retry-After, so benchmarks can tell polls from their operation. */
function operationOf(response: SandboxResponse): { operation?: string; retryAfter?: number } {
  const headers = response.headers ?? {};
  const monitor = headers["azure-asyncoperation"] ?? headers.location;
  if (!monitor || (response.status !== 201 && response.status !== 202)) return {};
  const url = new URL(monitor, "https://sandbox.invalid");
  const retryAfter = Number(headers["retry-after"]);
  return { operation: url.pathname, ...(Number.isFinite(retryAfter) ? { retryAfter } : {}) };
}

async function dispatch(handlers: Handler[], request: SandboxRequest): Promise<SandboxResponse> {
  try {
    for (const handler of handlers) {
      const response = await handler(request);
      if (response) return response;
    }
    return { status: 404, body: { error: { code: "NotFound", message: `No sandbox service answers ${request.method} ${request.url.pathname}.` } } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`sandbox: internal error on ${request.method} ${request.url.pathname}: ${(error as Error).stack ?? message}\n`);
    return { status: 500, body: { error: { code: "InternalServerError", message: `Sandbox internal error: ${message}` } } };
  }
}

function send(res: ServerResponse, response: SandboxResponse): void {
  const headers: Record<string, string> = { "x-ms-request-id": cryptoId(), ...(response.headers ?? {}) };
  let payload: Buffer | undefined;
  if (response.body !== undefined) {
    if (Buffer.isBuffer(response.body)) payload = response.body;
    else if (typeof response.body === "string") payload = Buffer.from(response.body, "utf8");
    else {
      payload = Buffer.from(JSON.stringify(response.body), "utf8");
      headers["content-type"] = headers["content-type"] ?? "application/json; charset=utf-8";
    }
  }
  headers["content-length"] = String(payload?.length ?? 0);
  res.writeHead(response.status, headers);
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

let requestCounter = 0;
function cryptoId(): string {
  requestCounter++;
  return `00000000-0000-4000-8000-${requestCounter.toString(16).padStart(12, "0")}`;
}
