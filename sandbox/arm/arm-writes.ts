import { json, SandboxRequest, SandboxResponse } from "../http/message";
import { ArmError } from "./arm-error";
import { KNOWN_LOCATIONS, normalizeLocation } from "./api-versions";
import { groupView, notFoundError } from "./arm-reads";
import type { ArmService } from "./arm-service";
import type { Operation } from "./operations";
import { ArmContext, ResourceTypeSpec } from "./resource-type";
import { parseResourceId, ResourceAddress, resourceIdOf } from "./resource-id";
import type { Json, StoredResource } from "./store";
import { mergePatch, placementLocation, readBody } from "./write-input";

const NAME_PATTERN = /^[A-Za-z0-9@][A-Za-z0-9_.@-]{0,259}$/;

/** PUT, PATCH and DELETE of resources and resource groups, and the long-running operations they start. */
export class ArmWrites {
  constructor(private readonly arm: ArmService) {}

  resource(req: SandboxRequest, ctx: ArmContext, address: ResourceAddress, type: string, groupLocation: string): SandboxResponse {
    const spec = this.arm.types.get(type) as ResourceTypeSpec;
    const id = resourceIdOf(address);
    const apiVersion = req.url.searchParams.get("api-version") ?? "";
    if (req.method === "DELETE") return this.delete(ctx, spec, id, address, apiVersion);
    if (req.method !== "PUT" && req.method !== "PATCH") {
      throw new ArmError(405, "MethodNotAllowed", `The requested method '${req.method}' is not allowed for resource type '${type}'.`);
    }
    const requestBody = readBody(req);
    const existing = ctx.resolve(id);
    if (req.method === "PATCH") {
      if (!existing) throw notFoundError(ctx, address, type);
      const merged = mergePatch(existing.body, requestBody) as Json;
      const stored = this.arm.store.transaction(() => this.writeResource(ctx, spec, id, merged, false));
      return json(200, ctx.view(stored));
    }
    const running = this.arm.operations.runningOn(id);
    if (running?.kind === "delete") {
      throw new ArmError(
        409,
        "AnotherOperationInProgress",
        `Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: ${this.arm.operations.headers(running, ctx.origin)["azure-asyncoperation"] ?? id}.`,
      );
    }
    const async = spec.lro !== "sync";
    const stored = this.arm.store.transaction(() => this.writeResource(ctx, spec, id, requestBody, async));
    const status = spec.lro === "privatedns" || spec.lro === "storage" ? 202 : existing ? 200 : (spec.createdStatus ?? 201);
    if (!async) return json(status, ctx.view(stored));
    const op = this.arm.operations.start({
      id: ctx.random.guid(),
      resourceId: stored.id,
      kind: "put",
      style: spec.lro,
      namespace: address.namespace,
      subscriptionId: address.subscriptionId,
      resourceGroup: address.resourceGroup,
      location: String(stored.body.location ?? groupLocation).replace("global", groupLocation),
      apiVersion,
    });
    const headers = this.arm.operations.headers(op, ctx.origin);
    if (spec.lro === "storage") return { status, headers };
    return json(status, spec.lro === "privatedns" ? {} : ctx.view(stored), headers);
  }

  /** Validates and stores one resource (and its inline children), returning what was stored. */
  writeResource(ctx: ArmContext, spec: ResourceTypeSpec, id: string, body: Json, async: boolean): StoredResource {
    const address = parseResourceId(id) as ResourceAddress;
    const name = address.names[address.names.length - 1];
    if (!NAME_PATTERN.test(name) && !isWildcardRecordName(spec.type, name)) {
      throw new ArmError(
        400,
        "InvalidResourceName",
        `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`,
      );
    }
    const existing = ctx.resolve(id);
    let parent: StoredResource | undefined;
    if (address.types.length > 1) {
      const parentAddress = { ...address, types: address.types.slice(0, -1), names: address.names.slice(0, -1) };
      parent = ctx.resolve(resourceIdOf(parentAddress));
      if (!parent)
        throw new ArmError(
          404,
          "ParentResourceNotFound",
          `Can not perform requested operation on nested resource. Parent resource '${parentAddress.names.join("/")}' not found.`,
        );
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Expected an object'.");
    }
    const location = placementLocation(spec, body, existing, name);
    const written = spec.write(ctx, { id, address, body, existing, parent });
    const stored: StoredResource = {
      id: existing?.id ?? id,
      type: spec.type,
      name,
      body: {
        ...written,
        id: existing?.id ?? id,
        name,
        type: spec.type,
        ...(location ? { location } : {}),
        ...(body.tags && spec.placement !== "child" ? { tags: body.tags } : {}),
        ...(spec.etag ? { etag: `W/"${ctx.random.guid()}"` } : {}),
      },
      internal: { ...(existing?.internal ?? {}) },
    };
    for (const secret of spec.secretProperties ?? []) {
      if (body.properties?.[secret] !== undefined) stored.internal.secrets = { ...(stored.internal.secrets as object), [secret]: body.properties[secret] };
      delete written.properties?.[secret];
    }
    stored.body.properties = { ...(written.properties ?? {}), provisioningState: async ? (spec.inProgressState ?? "Updating") : "Succeeded" };
    for (const inline of spec.inlineChildren ?? []) delete stored.body.properties[inline.property];
    this.arm.store.putResource(stored);
    this.writeInlineChildren(ctx, spec, stored, body, async);
    spec.afterWrite?.(ctx, ctx.resolve(stored.id) as StoredResource, existing);
    return ctx.resolve(stored.id) as StoredResource;
  }

  private writeInlineChildren(ctx: ArmContext, spec: ResourceTypeSpec, parent: StoredResource, body: Json, async: boolean): void {
    for (const inline of spec.inlineChildren ?? []) {
      if (inline.readOnly) continue;
      const requested: Json[] | undefined = body.properties?.[inline.property];
      const childSpec = this.arm.types.get(inline.type) as ResourceTypeSpec;
      const segment = inline.type.split("/").pop() as string;
      const existingChildren = ctx.store.childrenOf(parent.id, inline.type);
      if (!Array.isArray(requested)) {
        if (!inline.keepWhenOmitted) for (const child of existingChildren) this.deleteChecked(ctx, child);
        continue;
      }
      const keep = new Set<string>();
      for (const childBody of requested) {
        if (!childBody?.name) throw new ArmError(400, "InvalidRequestFormat", `Cannot parse the request: every item of '${inline.property}' needs a name.`);
        const childId = `${parent.id}/${segment}/${childBody.name}`;
        keep.add(childId.toLowerCase());
        this.writeResource(ctx, childSpec, childId, childBody, async);
      }
      for (const child of existingChildren) if (!keep.has(child.id.toLowerCase())) this.deleteChecked(ctx, child);
    }
  }

  putInternal(ctx: ArmContext, id: string, type: string, body: Json, internal?: Record<string, unknown>): StoredResource {
    const spec = this.arm.types.get(type) as ResourceTypeSpec;
    const stored = this.writeResource(ctx, spec, id, body, false);
    if (!internal) return stored;
    return this.arm.store.updateBody(stored, () => undefined, internal);
  }

  deleteInternal(ctx: ArmContext, id: string): void {
    const resource = ctx.resolve(id);
    if (resource) this.removeNow(ctx, resource);
  }

  private delete(ctx: ArmContext, spec: ResourceTypeSpec, id: string, address: ResourceAddress, apiVersion: string): SandboxResponse {
    const resource = ctx.resolve(id);
    if (!resource) return { status: 204 };
    this.checkDeletable(ctx, resource);
    if (spec.lro === "sync") {
      this.arm.store.transaction(() => this.removeNow(ctx, resource));
      return { status: 200 };
    }
    const running = this.arm.operations.runningOn(resource.id);
    const op =
      running?.kind === "delete"
        ? running
        : this.arm.operations.start({
            id: ctx.random.guid(),
            resourceId: resource.id,
            kind: "delete",
            style: spec.lro,
            namespace: address.namespace,
            subscriptionId: address.subscriptionId,
            resourceGroup: address.resourceGroup,
            location: String(resource.body.location ?? "global"),
            apiVersion,
          });
    this.arm.store.updateBody(resource, (body) => {
      if (body.properties) body.properties.provisioningState = "Deleting";
    });
    return { status: 202, headers: { ...this.arm.operations.headers(op, ctx.origin), location: this.locationHeader(op, ctx.origin) } };
  }

  private locationHeader(op: Operation, origin: string): string {
    const headers = this.arm.operations.headers(op, origin);
    return (
      headers.location ??
      `${origin}/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}/operationResults/${op.id}?api-version=${op.apiVersion}`
    );
  }

  /** Refuses the delete (InUse... errors) when the resource or one of its children is still referenced. */
  private checkDeletable(ctx: ArmContext, resource: StoredResource): void {
    this.arm.types.get(resource.type)?.checkDelete?.(ctx, resource);
    for (const child of ctx.store.childrenOf(resource.id)) this.checkDeletable(ctx, child);
  }

  private deleteChecked(ctx: ArmContext, resource: StoredResource): void {
    this.checkDeletable(ctx, resource);
    this.removeNow(ctx, resource);
  }

  /** Removes a resource and everything below it, children first, running each type's afterDelete. */
  removeNow(ctx: ArmContext, resource: StoredResource): void {
    for (const child of ctx.store.childrenOf(resource.id)) this.removeNow(ctx, child);
    this.arm.store.deleteResource(resource.id);
    this.arm.types.get(resource.type)?.afterDelete?.(ctx, resource);
  }

  completeOperation(ctx: ArmContext, op: Operation): void {
    this.arm.store.transaction(() => {
      if (op.kind === "delete") {
        const group = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(op.resourceId);
        if (group) return this.removeGroupNow(ctx, op.subscriptionId, group[1]);
        const resource = ctx.resolve(op.resourceId);
        if (resource) this.removeNow(ctx, resource);
        return;
      }
      const resource = ctx.resolve(op.resourceId);
      if (resource && resource.body.properties?.provisioningState !== "Succeeded") {
        this.arm.store.updateBody(resource, (body) => {
          body.properties.provisioningState = "Succeeded";
        });
      }
      for (const child of ctx.store.childrenOf(op.resourceId)) {
        if (child.body.properties && child.body.properties.provisioningState !== "Succeeded" && !this.arm.operations.runningOn(child.id)) {
          this.arm.store.updateBody(child, (body) => {
            body.properties.provisioningState = "Succeeded";
          });
        }
      }
    });
  }

  pollOperation(ctx: ArmContext, operationId: string, style: string): SandboxResponse {
    const op = this.arm.operations.get(operationId);
    if (!op) throw new ArmError(404, "OperationNotFound", `The operation '${operationId}' could not be found.`);
    const statusStyle = style === "operations" || style === "privatednsoperationstatuses" || style === "operationstatuses";
    if (statusStyle) {
      const body: Json = {
        id: `/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}/operations/${op.id}`,
        name: op.id,
        status: op.status,
        startTime: op.startTime,
      };
      if (op.endTime) body.endTime = op.endTime;
      if (op.error) body.error = op.error;
      return json(200, body, op.status === "InProgress" ? { "retry-after": String(this.arm.operations.retryAfterSeconds()) } : {});
    }
    if (op.status === "InProgress") {
      return { status: 202, headers: { location: this.locationHeader(op, ctx.origin), "retry-after": String(this.arm.operations.retryAfterSeconds()) } };
    }
    if (op.status === "Failed") return json(400, { error: op.error });
    if (op.kind === "delete") return { status: 204 };
    const resource = ctx.resolve(op.resourceId);
    return resource ? json(200, ctx.view(resource)) : { status: 204 };
  }

  resourceGroup(req: SandboxRequest, ctx: ArmContext, subscriptionId: string, name: string): SandboxResponse {
    const existing = this.arm.store.getGroup(subscriptionId, name);
    const id = `/subscriptions/${subscriptionId}/resourceGroups/${existing?.name ?? name}`;
    switch (req.method) {
      case "GET":
      case "HEAD":
        if (!existing) throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`);
        return req.method === "HEAD" ? { status: 204 } : json(200, groupView(existing, this.arm.operations.runningOn(id) ? "Deleting" : "Succeeded"));
      case "PUT":
      case "PATCH": {
        const body = readBody(req) ?? {};
        const requested = body.location ?? existing?.location;
        if (!requested) throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
        const location = normalizeLocation(String(requested));
        if (!location)
          throw new ArmError(
            400,
            "LocationNotAvailableForResourceType",
            `The provided location '${requested}' is not available for resource type 'Microsoft.Resources/resourceGroups'. List of available regions for the resource type is '${KNOWN_LOCATIONS.join(",")}'.`,
          );
        if (existing && existing.location !== location) {
          throw new ArmError(
            409,
            "InvalidResourceGroupLocation",
            `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`,
          );
        }
        const group = { id, name: existing?.name ?? name, location, tags: body.tags ?? existing?.tags, managedBy: existing?.managedBy };
        this.arm.store.putGroup(subscriptionId, group);
        return json(existing ? 200 : 201, groupView(group));
      }
      case "DELETE": {
        if (!existing) throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`);
        const op =
          this.arm.operations.runningOn(id) ??
          this.arm.operations.start({
            id: ctx.random.guid(),
            resourceId: id,
            kind: "delete",
            style: "network",
            namespace: "Microsoft.Resources",
            subscriptionId,
            resourceGroup: name,
            location: existing.location,
            apiVersion: req.url.searchParams.get("api-version") ?? "",
          });
        return {
          status: 202,
          headers: {
            location: `${ctx.origin}/subscriptions/${subscriptionId}/operationresults/${op.id}?api-version=${op.apiVersion}`,
            "retry-after": String(this.arm.operations.retryAfterSeconds()),
          },
        };
      }
      default:
        throw new ArmError(405, "MethodNotAllowed", `The requested method '${req.method}' is not allowed.`);
    }
  }

  private removeGroupNow(ctx: ArmContext, subscriptionId: string, name: string): void {
    const prefix = `/subscriptions/${subscriptionId}/resourcegroups/${name}/`.toLowerCase();
    const topLevel = ctx.store.resources().filter((r) => r.id.toLowerCase().startsWith(prefix) && r.type.split("/").length === 2);
    // Things that hold references go first (VMs before NICs before VNets), as ARM orders a group delete.
    const order = [
      "microsoft.compute/virtualmachines",
      "microsoft.compute/virtualmachinescalesets",
      "microsoft.network/privateendpoints",
      "microsoft.network/networkinterfaces",
    ];
    topLevel.sort((a, b) => rank(order, a.type) - rank(order, b.type));
    for (const resource of topLevel) if (ctx.resolve(resource.id)) this.removeNow(ctx, resource);
    this.arm.store.deleteGroup(subscriptionId, name);
  }
}

function rank(order: string[], type: string): number {
  const index = order.indexOf(type.toLowerCase());
  return index < 0 ? order.length : index;
}

/**
 * DNS record sets may be wildcards: `*` or `*.<labels>` (Azure DNS "Wildcard records"; azure-ai-docs
 * how-to-custom-dns.md has users add `*.<workspace guid>.inference.<region>` to privatelink.api.azureml.ms).
 */
function isWildcardRecordName(type: string, name: string): boolean {
  if (!/^Microsoft\.Network\/(privateDnsZones|dnsZones)\/[A-Za-z]+$/i.test(type)) return false;
  const rest = name.replace(/^\*(\.|$)/, "");
  return rest !== name && (rest === "" || NAME_PATTERN.test(rest));
}
