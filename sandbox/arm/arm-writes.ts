import { json, SandboxRequest, SandboxResponse } from "../http/message";
import { ArmError } from "./arm-error";
import { notFoundError } from "./arm-reads";
import type { ArmService } from "./arm-service";
import type { Operation } from "./operations";
import { completePut, operationLocation } from "./operation-results";
import { ArmContext, ResourceTypeSpec } from "./resource-type";
import { removeGroupNow } from "./resource-group-writes";
import { parseResourceId, ResourceAddress, resourceIdOf } from "./resource-id";
import type { StoredResource } from "./store";
import { asObject, asObjects, JsonObject, propertiesOf } from "./types/wire";
import { isJsonObject, mergePatch, placementLocation, readBody } from "./write-input";

const NAME_PATTERN = /^[A-Za-z0-9@][A-Za-z0-9_.@-]{0,259}$/;

/**
 * PUT, PATCH and DELETE of resources, as ARM runs them for every type: name rules, placement, the type's own
 * write, secrets kept out of the body, inline children, and the long-running operation each write starts
 * (resource groups: resource-group-writes.ts; operation polls: operation-results.ts).
 */
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
      const merged = mergePatch(existing.body, requestBody);
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
      location: String(asObject(stored.body).location ?? groupLocation).replace("global", groupLocation),
      apiVersion,
    });
    const headers = this.arm.operations.headers(op, ctx.origin);
    if (spec.lro === "storage") return { status, headers };
    return json(status, spec.lro === "privatedns" ? {} : ctx.view(stored), headers);
  }

  /** Validates and stores one resource (and its inline children), returning what was stored. */
  writeResource(ctx: ArmContext, spec: ResourceTypeSpec, id: string, requestBody: unknown, async: boolean): StoredResource {
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
    if (!isJsonObject(requestBody)) {
      throw new ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Expected an object'.");
    }
    const body = requestBody;
    const location = placementLocation(spec, body, existing, name);
    const written = asObject(spec.write(ctx, { id, address, body, existing, parent }));
    const storedBody: JsonObject = {
      ...written,
      id: existing?.id ?? id,
      name,
      type: spec.type,
      ...(location ? { location } : {}),
      ...(body.tags && spec.placement !== "child" ? { tags: body.tags } : {}),
      ...(spec.etag ? { etag: `W/"${ctx.random.guid()}"` } : {}),
    };
    const internal: Record<string, unknown> = { ...(existing?.internal ?? {}) };
    const properties = { ...asObject(written.properties) };
    for (const secret of spec.secretProperties ?? []) {
      const value = propertiesOf(body)[secret];
      if (value !== undefined) internal.secrets = { ...(internal.secrets as object), [secret]: value };
      delete properties[secret];
    }
    for (const inline of spec.inlineChildren ?? []) delete properties[inline.property];
    storedBody.properties = { ...properties, provisioningState: async ? (spec.inProgressState ?? "Updating") : "Succeeded" };
    const stored: StoredResource = { id: existing?.id ?? id, type: spec.type, name, body: storedBody, internal };
    this.arm.store.putResource(stored);
    this.writeInlineChildren(ctx, spec, stored, body, async);
    spec.afterWrite?.(ctx, ctx.resolve(stored.id) as StoredResource, existing);
    return ctx.resolve(stored.id) as StoredResource;
  }

  private writeInlineChildren(ctx: ArmContext, spec: ResourceTypeSpec, parent: StoredResource, body: JsonObject, async: boolean): void {
    for (const inline of spec.inlineChildren ?? []) {
      if (inline.readOnly) continue;
      const requested = propertiesOf(body)[inline.property];
      const childSpec = this.arm.types.get(inline.type) as ResourceTypeSpec;
      const segment = inline.type.split("/").pop() as string;
      const existingChildren = ctx.store.childrenOf(parent.id, inline.type);
      if (!Array.isArray(requested)) {
        if (!inline.keepWhenOmitted) for (const child of existingChildren) this.deleteChecked(ctx, child);
        continue;
      }
      const keep = new Set<string>();
      for (const childBody of asObjects(requested)) {
        if (!childBody.name) throw new ArmError(400, "InvalidRequestFormat", `Cannot parse the request: every item of '${inline.property}' needs a name.`);
        const childId = `${parent.id}/${segment}/${String(childBody.name)}`;
        keep.add(childId.toLowerCase());
        this.writeResource(ctx, childSpec, childId, childBody, async);
      }
      for (const child of existingChildren) if (!keep.has(child.id.toLowerCase())) this.deleteChecked(ctx, child);
    }
  }

  putInternal(ctx: ArmContext, id: string, type: string, body: unknown, internal?: Record<string, unknown>): StoredResource {
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
            location: String(asObject(resource.body).location ?? "global"),
            apiVersion,
          });
    this.arm.store.setProvisioningState(resource, "Deleting");
    return { status: 202, headers: { ...this.arm.operations.headers(op, ctx.origin), location: operationLocation(this.arm, op, ctx.origin) } };
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

  /** Applies a finished operation: a DELETE removes what it deletes, a PUT leaves things Succeeded. */
  completeOperation(ctx: ArmContext, op: Operation): void {
    this.arm.store.transaction(() => {
      if (op.kind === "delete") {
        const group = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(op.resourceId);
        if (group) return removeGroupNow(this.arm, ctx, op.subscriptionId, group[1], (resource) => this.removeNow(ctx, resource));
        const resource = ctx.resolve(op.resourceId);
        if (resource) this.removeNow(ctx, resource);
        return;
      }
      completePut(this.arm, ctx, op);
    });
  }
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
