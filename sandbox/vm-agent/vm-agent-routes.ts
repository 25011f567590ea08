import type { ArmService } from "../arm/arm-service";
import { parseArmPath, parentIdOf } from "../arm/resource-id";
import { Handler, json, SandboxRequest, SandboxResponse } from "../http/message";
import type { AgentSessions } from "./agent-sessions";
import { VMSS_VM } from "../arm/types/address-allocation";
import { asObject, asObjects, JsonObject, propertiesOf } from "../arm/types/wire";
import { acceptedExtension, ExtensionStatus, extensionInstanceView, scaleSetInstanceView, vmInstanceView } from "./instance-view";
import { AGENT_PACKAGE_NAME, AGENT_VERSION } from "./package/agent-version";

/**
 * HTTP the VM agent adds to the sandbox, before ARM and Azure DevOps: the agent package (/_agent/...), published
 * files (/_files/...), the agent's OAuth and session calls, and on ARM the instance views (GET .../instanceView,
 * `$expand=instanceView` on VMs, scale-set instances and extensions), which go through ARM itself for
 * authentication and the body. A poll of an operation waiting for scripts is answered when they end or after
 * POLL_HOLD_MS, whichever comes first (an unobservable latency that spares clients a second of Retry-After), with
 * Retry-After: 1 at least while they still run.
 */

export interface RouteDependencies {
  arm: ArmService;
  sessions: AgentSessions;
  packageBytes: Buffer;
  published: Map<string, Buffer>;
  waitingFor(operationId: string): Promise<void> | undefined;
  statuses(vmId: string): ExtensionStatus[];
}

const POLL_HOLD_MS = 1000;
const VM_TYPES = ["virtualmachines", "virtualmachinescalesets/virtualmachines"];

function notFound(what: string): SandboxResponse {
  return { status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: `${what} not found\n` };
}

function download(body: Buffer): SandboxResponse {
  return { status: 200, headers: { "content-type": "application/octet-stream" }, body };
}

function agentPackage(req: SandboxRequest, deps: RouteDependencies): SandboxResponse {
  const path = req.url.pathname;
  return path === `/_agent/${AGENT_VERSION}/${AGENT_PACKAGE_NAME}` ? download(deps.packageBytes) : notFound(path);
}

function publishedFile(req: SandboxRequest, deps: RouteDependencies): SandboxResponse {
  const name = decodeURIComponent(req.url.pathname.slice("/_files/".length));
  const content = deps.published.get(name);
  return content ? download(content) : notFound(req.url.pathname);
}

function withPath(req: SandboxRequest, pathname: string): SandboxRequest {
  const url = new URL(req.url.href);
  url.pathname = pathname;
  return { ...req, url };
}

function extensionView(deps: RouteDependencies, extension: JsonObject): JsonObject {
  const vmId = parentIdOf(String(extension.id)) ?? "";
  const found = deps.statuses(vmId).find((s) => s.name.toLowerCase() === String(extension.name).toLowerCase());
  return extensionInstanceView(found ?? acceptedExtension(extension.properties, String(extension.name), new Date().toISOString()));
}

async function heldPoll(req: SandboxRequest, deps: RouteDependencies, scriptsEnd: Promise<void>): Promise<SandboxResponse | undefined> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([scriptsEnd, new Promise<void>((resolve) => (timer = setTimeout(resolve, POLL_HOLD_MS)))]);
  clearTimeout(timer);
  const response = deps.arm.handle(req);
  if (response?.headers?.["retry-after"] === "0") response.headers["retry-after"] = "1";
  return response;
}

function armRoute(req: SandboxRequest, deps: RouteDependencies): Promise<SandboxResponse | undefined> | SandboxResponse | undefined {
  if (req.method !== "GET") return undefined;
  const parsed = parseArmPath(req.url.pathname);
  if (parsed.kind === "operation") {
    const scriptsEnd = deps.waitingFor(parsed.operationId);
    return scriptsEnd ? heldPoll(req, deps, scriptsEnd) : undefined;
  }
  if (parsed.kind !== "resource" && parsed.kind !== "collection") return undefined;
  if (parsed.address.namespace.toLowerCase() !== "microsoft.compute") return undefined;
  const types = parsed.address.types.map((t) => t.toLowerCase());
  const last = types[types.length - 1];
  const parentTypes = types.slice(0, -1).join("/");
  if (parsed.kind === "collection" && last === "instanceview" && [...VM_TYPES, "virtualmachinescalesets"].includes(parentTypes)) {
    const response = deps.arm.handle(withPath(req, req.url.pathname.replace(/\/instanceView\/?$/i, "")));
    if (response?.status !== 200) return response;
    const resource = asObject(response.body);
    if (VM_TYPES.includes(parentTypes)) return json(200, vmInstanceView(resource, deps.statuses(String(resource.id))));
    const instances = deps.arm.store.childrenOf(String(resource.id), VMSS_VM);
    const states = instances.map((i) => String(propertiesOf(i.body).provisioningState ?? "Succeeded"));
    return json(
      200,
      scaleSetInstanceView(
        resource,
        states,
        instances.flatMap((i) => deps.statuses(i.id)),
      ),
    );
  }
  if (!/(^|,)\s*instanceview\s*(,|$)/.test((req.url.searchParams.get("$expand") ?? "").toLowerCase())) return undefined;
  const isVm = parsed.kind === "resource" && VM_TYPES.includes(types.join("/"));
  const isExtension = types.join("/") === "virtualmachines/extensions";
  if (!isVm && !isExtension) return undefined;
  const response = deps.arm.handle(req);
  if (response?.status !== 200) return response;
  const body = asObject(response.body);
  if (isVm) propertiesOf(body).instanceView = vmInstanceView(body, deps.statuses(String(body.id)));
  else if (parsed.kind === "resource") propertiesOf(body).instanceView = extensionView(deps, body);
  else for (const item of asObjects(body.value)) propertiesOf(item).instanceView = extensionView(deps, item);
  return response;
}

export function vmAgentHandler(deps: RouteDependencies): Handler {
  return (req) => {
    const path = req.url.pathname;
    if (path.startsWith("/_agent/")) return agentPackage(req, deps);
    if (path.startsWith("/_files/")) return publishedFile(req, deps);
    if (path.toLowerCase().startsWith("/subscriptions/")) return armRoute(req, deps);
    return deps.sessions.handle(req);
  };
}
