import { json, SandboxRequest, SandboxResponse } from "../http/message";
import { ArmError } from "./arm-error";
import type { ArmService } from "./arm-service";
import type { ArmContext } from "./resource-type";
import { fullType, ResourceAddress, resourceIdOf } from "./resource-id";
import type { StoredResource } from "./store";
import { asObject, JsonObject } from "./types/wire";

/** GETs and lists, with ARM's `nextLink` paging. */
export class ArmReads {
  constructor(
    private readonly arm: ArmService,
    private readonly pageSize: number,
  ) {}

  subscription(subscriptionId: string): JsonObject {
    return {
      id: `/subscriptions/${subscriptionId}`,
      subscriptionId,
      tenantId: this.arm.directory.tenantId,
      displayName: subscriptionId === this.arm.directory.subscriptionId ? "amlvnet sandbox" : `amlvnet sandbox ${subscriptionId.slice(0, 8)}`,
      state: "Enabled",
      subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "PayAsYouGo_2014-09-01", spendingLimit: "Off" },
      authorizationSource: "RoleBased",
    };
  }

  get(ctx: ArmContext, address: ResourceAddress, type: string): SandboxResponse {
    const id = resourceIdOf(address);
    const resource = ctx.resolve(id);
    if (!resource) throw notFoundError(ctx, address, type);
    return json(200, ctx.view(resource));
  }

  listCollection(req: SandboxRequest, ctx: ArmContext, address: ResourceAddress, type: string): SandboxResponse {
    let items: StoredResource[];
    if (address.names.length === 0) {
      items = ctx.store.resourcesOfType(type, `/subscriptions/${address.subscriptionId}/resourceGroups/${address.resourceGroup}`);
    } else {
      const parentId = resourceIdOf({ ...address, types: address.types.slice(0, -1) }, address.names);
      if (!ctx.resolve(parentId))
        throw notFoundError(
          ctx,
          { ...address, types: address.types.slice(0, -1) },
          fullType({ namespace: address.namespace, types: address.types.slice(0, -1) }),
        );
      items = type.toLowerCase().endsWith("/all")
        ? ctx.store.childrenOf(parentId).filter((c) => c.type.split("/").length === 3)
        : ctx.store.childrenOf(parentId, type);
    }
    return this.page(
      req,
      items.map((r) => ctx.view(r)),
    );
  }

  listBySubscription(req: SandboxRequest, ctx: ArmContext, subscriptionId: string, type: string): SandboxResponse {
    return this.page(
      req,
      ctx.store.resourcesOfType(type, `/subscriptions/${subscriptionId}`).map((r) => ctx.view(r)),
    );
  }

  listGroups(req: SandboxRequest, subscriptionId: string): SandboxResponse {
    return this.page(
      req,
      this.arm.store.groups(subscriptionId).map((g) => groupView(g)),
    );
  }

  /** GET .../resources with the $filter forms ARM supports for tags and resource type. */
  listGeneric(req: SandboxRequest, scope: string): SandboxResponse {
    const filter = parseFilter(req.url.searchParams.get("$filter"));
    const items = this.arm.store
      .resources()
      .filter((r) => r.id.toLowerCase().startsWith(scope.toLowerCase() + "/") && r.type.split("/").length === 2)
      .filter((r) => filter(r))
      .map((r) => {
        const body = asObject(r.body);
        const generic: JsonObject = { id: r.id, name: r.name, type: r.type, location: body.location };
        if (body.tags) generic.tags = body.tags;
        if (body.sku) generic.sku = body.sku;
        if (body.kind) generic.kind = body.kind;
        return generic;
      });
    return this.page(req, items);
  }

  private page(req: SandboxRequest, items: JsonObject[]): SandboxResponse {
    const skip = Number(req.url.searchParams.get("$skipToken") ?? "0") || 0;
    const value = items.slice(skip, skip + this.pageSize);
    const body: JsonObject = { value };
    if (skip + this.pageSize < items.length) {
      const query = [...req.url.searchParams.entries()].filter(([key]) => key !== "$skipToken").map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
      query.push(`$skipToken=${skip + this.pageSize}`);
      body.nextLink = `${req.origin}${req.url.pathname}?${query.join("&")}`;
    }
    return json(200, body);
  }
}

export function groupView(
  group: { id: string; name: string; location: string; tags?: Record<string, string>; managedBy?: string },
  state = "Succeeded",
): JsonObject {
  const view: JsonObject = {
    id: group.id,
    name: group.name,
    type: "Microsoft.Resources/resourceGroups",
    location: group.location,
    properties: { provisioningState: state },
  };
  if (group.tags) view.tags = group.tags;
  if (group.managedBy) view.managedBy = group.managedBy;
  return view;
}

/** The 404 ARM sends: ResourceNotFound for a top-level resource, ParentResourceNotFound / NotFound below it. */
export function notFoundError(ctx: ArmContext, address: ResourceAddress, type: string): ArmError {
  if (address.types.length > 1) {
    const parentAddress = { ...address, types: address.types.slice(0, -1), names: address.names.slice(0, -1) };
    if (!ctx.resolve(resourceIdOf(parentAddress))) {
      return new ArmError(
        404,
        "ParentResourceNotFound",
        `Can not perform requested operation on nested resource. Parent resource '${address.names.slice(0, -1).join("/")}' not found.`,
      );
    }
    return new ArmError(404, "NotFound", `Resource ${resourceIdOf(address)} not found.`);
  }
  return new ArmError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${address.names[0]}' under resource group '${address.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

function parseFilter(filter: string | null): (r: StoredResource) => boolean {
  if (!filter) return () => true;
  const clauses = filter.split(/\s+and\s+/i).map((clause) => {
    const match = /^\s*(tagName|tagValue|resourceType|name)\s+eq\s+'([^']*)'\s*$/i.exec(clause);
    if (!match) throw new ArmError(400, "InvalidFilterInQueryString", `Invalid $filter '${filter}' specified in the query string.`);
    return { field: match[1].toLowerCase(), value: match[2] };
  });
  const tagName = clauses.find((c) => c.field === "tagname")?.value;
  return (r) =>
    clauses.every((c) => {
      const tags = asObject(asObject(r.body).tags);
      switch (c.field) {
        case "tagname":
          return Object.keys(tags).some((k) => k.toLowerCase() === c.value.toLowerCase());
        case "tagvalue":
          return tagName !== undefined && Object.entries(tags).some(([k, v]) => k.toLowerCase() === tagName.toLowerCase() && v === c.value);
        case "resourcetype":
          return r.type.toLowerCase() === c.value.toLowerCase();
        default:
          return r.name.toLowerCase() === c.value.toLowerCase();
      }
    });
}
