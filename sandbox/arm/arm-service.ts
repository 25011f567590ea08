import type { SandboxDirectory } from "../directory";
import type { TokenAuthority } from "../entra/token-authority";
import { headerValue, json, SandboxRequest, SandboxResponse } from "../http/message";
import type { SeededRandom } from "../http/random";
import { ArmError } from "./arm-error";
import { checkApiVersion } from "./api-versions";
import { ArmReads } from "./arm-reads";
import { isAuthorizationPath, RoleAssignmentService } from "./authorization/role-assignments";
import { ArmWrites } from "./arm-writes";
import { pollOperation } from "./operation-results";
import { resourceGroupRequest } from "./resource-group-writes";
import { OperationTracker } from "./operations";
import { actionFor, authorize } from "./rbac";
import { notFoundError } from "./arm-reads";
import type { ArmContext, ResourceAction, TypeRegistry } from "./resource-type";
import { fullType, parseArmPath, ResourceAddress, resourceIdOf } from "./resource-id";
import { ResourceStore, StoredResource } from "./store";
import { buildView } from "./view";

/** An action a request names, with the type that declares it. */
interface NamedAction {
  type: string;
  name: string;
  run: ResourceAction;
}

export interface ArmOptions {
  lroMs: number;
  pageSize: number;
}

/** Azure Resource Manager: authentication, authorization, api-version checks, then reads, writes and operation polls. */
export class ArmService {
  readonly store = new ResourceStore();
  readonly operations: OperationTracker;
  private readonly reads: ArmReads;
  private readonly writes: ArmWrites;
  /** Role assignments at any scope (and the built-in role definitions); their grants count in every authorize. */
  readonly authorization: RoleAssignmentService;

  constructor(
    readonly directory: SandboxDirectory,
    private readonly authority: TokenAuthority,
    readonly types: TypeRegistry,
    readonly random: SeededRandom,
    options: ArmOptions,
  ) {
    this.operations = new OperationTracker(options.lroMs);
    this.reads = new ArmReads(this, options.pageSize);
    this.writes = new ArmWrites(this);
    this.authorization = new RoleAssignmentService(directory, this.store);
  }

  context(origin: string): ArmContext {
    const ctx: ArmContext = {
      store: this.store,
      origin,
      random: this.random,
      resolve: (id) => this.store.getResource(id),
      typeOf: (type) => this.types.get(type),
      view: (resource: StoredResource) => buildView(ctx, resource),
      putInternal: (id, type, body, internal) => this.writes.putInternal(ctx, id, type, body, internal),
      deleteInternal: (id) => this.writes.deleteInternal(ctx, id),
    };
    return ctx;
  }

  /** Completes every running operation now (used when the sandbox builds a scenario for itself). */
  settleAll(origin: string): void {
    const ctx = this.context(origin);
    this.operations.settle((op) => this.writes.completeOperation(ctx, op), true);
  }

  handle(req: SandboxRequest): SandboxResponse | undefined {
    if (!req.url.pathname.toLowerCase().startsWith("/subscriptions")) return undefined;
    try {
      const ctx = this.context(req.origin);
      this.operations.settle((op) => this.writes.completeOperation(ctx, op));
      const token = this.authority.verifyAccessToken(headerValue(req, "authorization"), [
        "https://management.azure.com/",
        "https://management.core.windows.net/",
        `${req.origin}/`,
      ]);
      if (!token.ok) {
        const code = token.code === "missing" ? "AuthenticationFailed" : token.code === "expired" ? "ExpiredAuthenticationToken" : "InvalidAuthenticationToken";
        throw new ArmError(401, code, token.code === "missing" ? "Authentication failed. The 'Authorization' header is missing." : token.detail, {
          "www-authenticate": `Bearer authorization_uri="${req.origin}/${this.directory.tenantId}", error="invalid_token", error_description="${token.detail.replace(/"/g, "'")}"`,
        });
      }
      if (isAuthorizationPath(req.url.pathname)) return this.authorization.handle(req, token.app);
      return this.route(req, ctx, this.authorization.effectiveApp(token.app));
    } catch (error) {
      if (error instanceof ArmError) return json(error.status, error.toBody(), error.headers);
      throw error;
    }
  }

  private route(req: SandboxRequest, ctx: ArmContext, app: Parameters<typeof authorize>[0]): SandboxResponse {
    const path = parseArmPath(req.url.pathname);
    const apiVersion = req.url.searchParams.get("api-version");
    if (path.kind === "unknown")
      throw new ArmError(404, "InvalidResourceType", `The resource type could not be found for the request path '${req.url.pathname}'.`);
    if (path.kind === "operation") {
      // Operation URLs carry the api-version of the request that started them; ARM only needs one to be there.
      if (!apiVersion) checkApiVersion(apiVersion, "Microsoft.Resources", undefined, "global");
      return pollOperation(this, ctx, path.operationId, path.style);
    }
    const subscriptionId = path.kind === "resource" || path.kind === "collection" ? path.address.subscriptionId : path.subscriptionId;
    this.checkSubscription(subscriptionId);
    switch (path.kind) {
      case "subscription":
        checkApiVersion(apiVersion, "Microsoft.Resources", undefined, "global");
        authorize(app, "Microsoft.Resources/subscriptions/read", `/subscriptions/${subscriptionId}`);
        return json(200, this.reads.subscription(subscriptionId));
      case "resourceGroups":
      case "resourceGroup": {
        checkApiVersion(apiVersion, "Microsoft.Resources", undefined, "global");
        const scope =
          path.kind === "resourceGroup" ? `/subscriptions/${subscriptionId}/resourceGroups/${path.resourceGroup}` : `/subscriptions/${subscriptionId}`;
        authorize(app, actionFor("Microsoft.Resources/subscriptions/resourceGroups", req.method), scope);
        return path.kind === "resourceGroups"
          ? this.reads.listGroups(req, subscriptionId)
          : resourceGroupRequest(this, req, ctx, subscriptionId, path.resourceGroup);
      }
      case "genericResources": {
        checkApiVersion(apiVersion, "Microsoft.Resources", undefined, "global");
        const scope = `/subscriptions/${subscriptionId}` + (path.resourceGroup ? `/resourceGroups/${path.resourceGroup}` : "");
        authorize(app, "Microsoft.Resources/subscriptions/resources/read", scope);
        if (path.resourceGroup) this.requireGroup(subscriptionId, path.resourceGroup);
        return this.reads.listGeneric(req, scope);
      }
      case "subscriptionCollection": {
        const type = this.requireType(`${path.namespace}/${path.type}`, apiVersion);
        authorize(app, actionFor(type, "GET"), `/subscriptions/${subscriptionId}`);
        return this.reads.listBySubscription(req, ctx, subscriptionId, type);
      }
      case "resource":
      case "collection": {
        if (path.kind === "collection" && req.method === "POST" && path.address.names.length > 0) {
          const action = this.actionOf(path.address);
          if (action) return this.runAction(req, ctx, app, path.address, action, apiVersion);
        }
        const type = this.requireType(fullType(path.address), apiVersion);
        const group = this.requireGroup(subscriptionId, path.address.resourceGroup);
        const scope = `/subscriptions/${subscriptionId}/resourceGroups/${group.name}`;
        authorize(app, actionFor(type, path.kind === "collection" ? "GET" : req.method), scope);
        if (path.kind === "collection") return this.reads.listCollection(req, ctx, path.address, type);
        if (req.method === "GET") return this.reads.get(ctx, path.address, type);
        return this.writes.resource(req, ctx, path.address, type, group.location);
      }
    }
  }

  /** `{resource}/{name}` names an action when the resource's type declares one of that name (any casing). */
  private actionOf(address: ResourceAddress): NamedAction | undefined {
    const spec = this.types.get(fullType({ namespace: address.namespace, types: address.types.slice(0, -1) }));
    const requested = address.types[address.types.length - 1].toLowerCase();
    const name = Object.keys(spec?.actions ?? {}).find((n) => n.toLowerCase() === requested);
    return spec?.actions && name ? { type: spec.type, name, run: spec.actions[name] } : undefined;
  }

  private runAction(
    req: SandboxRequest,
    ctx: ArmContext,
    app: Parameters<typeof authorize>[0],
    address: ResourceAddress,
    action: NamedAction,
    apiVersion: string | null,
  ): SandboxResponse {
    const [namespace, topType] = action.type.split("/");
    checkApiVersion(apiVersion, namespace, topType, "global");
    const group = this.requireGroup(address.subscriptionId, address.resourceGroup);
    authorize(app, `${action.type}/${action.name}/action`, `/subscriptions/${address.subscriptionId}/resourceGroups/${group.name}`);
    const resourceAddress = { ...address, types: address.types.slice(0, -1) };
    const resource = ctx.resolve(resourceIdOf(resourceAddress));
    if (!resource) throw notFoundError(ctx, resourceAddress, action.type);
    return action.run(ctx, resource, req);
  }

  private checkSubscription(subscriptionId: string): void {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(subscriptionId)) {
      throw new ArmError(400, "InvalidSubscriptionId", `The provided subscription identifier '${subscriptionId}' is malformed or invalid.`);
    }
    if (!this.directory.subscriptions.has(subscriptionId.toLowerCase())) {
      throw new ArmError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`);
    }
  }

  requireGroup(subscriptionId: string, name: string): { name: string; location: string } {
    const group = this.store.getGroup(subscriptionId, name);
    if (!group) throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`);
    return group;
  }

  /** Canonical type name for a request, after the api-version check ARM does first. */
  private requireType(type: string, apiVersion: string | null): string {
    const [namespace, topType] = type.split("/");
    checkApiVersion(apiVersion, namespace, topType, "global");
    const spec = this.types.get(type);
    if (!spec) {
      throw new ArmError(
        400,
        "InvalidResourceType",
        `The resource type '${type.split("/").slice(1).join("/")}' could not be found in the namespace '${namespace}' for api version '${apiVersion}'.`,
      );
    }
    return spec.type;
  }
}
