import { json, SandboxRequest, SandboxResponse } from "../http/message";
import { ArmError } from "./arm-error";
import { KNOWN_LOCATIONS, normalizeLocation } from "./api-versions";
import { groupView } from "./arm-reads";
import type { ArmService } from "./arm-service";
import type { ArmContext } from "./resource-type";
import type { ResourceGroup, StoredResource } from "./store";
import { asObject } from "./types/wire";
import { readBody } from "./write-input";

/**
 * Microsoft.Resources/resourceGroups: GET/HEAD, PUT/PATCH and the asynchronous DELETE, shaped as
 * azure-rest-api-specs resources/resource-manager/Microsoft.Resources/stable/2021-04-01/resources.json (ResourceGroups_*)
 * and the SDK's `ResourceGroup` (@azure/arm-resources).
 */

/** Tag values are strings (ResourceGroup.tags: `{[name]: string}`); any other JSON value is kept as its text. */
function tagsOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  return Object.fromEntries(Object.entries(asObject(value)).map(([name, tag]) => [name, typeof tag === "string" ? tag : JSON.stringify(tag)]));
}

export function resourceGroupRequest(arm: ArmService, req: SandboxRequest, ctx: ArmContext, subscriptionId: string, name: string): SandboxResponse {
  const existing = arm.store.getGroup(subscriptionId, name);
  const id = `/subscriptions/${subscriptionId}/resourceGroups/${existing?.name ?? name}`;
  switch (req.method) {
    case "GET":
    case "HEAD":
      if (!existing) throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`);
      return req.method === "HEAD" ? { status: 204 } : json(200, groupView(existing, arm.operations.runningOn(id) ? "Deleting" : "Succeeded"));
    case "PUT":
    case "PATCH": {
      const body = asObject(readBody(req));
      const requested = body.location ?? existing?.location;
      if (!requested) throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
      const location = normalizeLocation(String(requested));
      if (!location)
        throw new ArmError(
          400,
          "LocationNotAvailableForResourceType",
          `The provided location '${String(requested)}' is not available for resource type 'Microsoft.Resources/resourceGroups'. List of available regions for the resource type is '${KNOWN_LOCATIONS.join(",")}'.`,
        );
      if (existing && existing.location !== location) {
        throw new ArmError(
          409,
          "InvalidResourceGroupLocation",
          `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`,
        );
      }
      const group: ResourceGroup = { id, name: existing?.name ?? name, location, tags: tagsOf(body.tags) ?? existing?.tags, managedBy: existing?.managedBy };
      arm.store.putGroup(subscriptionId, group);
      return json(existing ? 200 : 201, groupView(group));
    }
    case "DELETE": {
      if (!existing) throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`);
      const op =
        arm.operations.runningOn(id) ??
        arm.operations.start({
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
          "retry-after": String(arm.operations.retryAfterSeconds()),
        },
      };
    }
    default:
      throw new ArmError(405, "MethodNotAllowed", `The requested method '${req.method}' is not allowed.`);
  }
}

/** A completed group DELETE: its resources go, things that hold references first, then the group. */
export function removeGroupNow(arm: ArmService, ctx: ArmContext, subscriptionId: string, name: string, removeNow: (resource: StoredResource) => void): void {
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
  for (const resource of topLevel) if (ctx.resolve(resource.id)) removeNow(resource);
  arm.store.deleteGroup(subscriptionId, name);
}

function rank(order: string[], type: string): number {
  const index = order.indexOf(type.toLowerCase());
  return index < 0 ? order.length : index;
}
