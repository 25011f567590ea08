import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import type { ArmContext } from "../resource-type";
import { parentIdOf } from "../resource-id";
import type { Json, StoredResource } from "../store";

/** `{id}` references as ARM lists them in read-only back-reference arrays. */
export function idRefs(resources: Array<{ id: string }>): Array<{ id: string }> {
  return resources.map((r) => ({ id: r.id }));
}

export function refId(ref: Json): string | undefined {
  return typeof ref?.id === "string" ? ref.id : undefined;
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** The VNet that holds a subnet ID. */
export function vnetOfSubnet(ctx: ArmContext, subnetId: string): StoredResource | undefined {
  const vnetId = parentIdOf(subnetId);
  return vnetId ? ctx.resolve(vnetId) : undefined;
}

/** A stable resourceGuid for a resource: kept across updates, derived from the ID for new ones. */
export function resourceGuid(request: { id: string; existing?: StoredResource }): string {
  return request.existing?.body.properties?.resourceGuid ?? guidFrom(request.id + Date.now());
}

export function requireSameRegion(kind: string, resourceLocation: string, otherId: string, otherLocation: string, where: string): void {
  if (resourceLocation.toLowerCase() !== otherLocation.toLowerCase()) {
    throw new ArmError(
      400,
      "InvalidResourceReference",
      `Resource ${otherId} referenced by resource ${where} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region. (${kind} is in '${otherLocation}', the resource in '${resourceLocation}'.)`,
    );
  }
}

export function requireEnum(value: unknown, allowed: string[], property: string, where: string): string {
  const match = allowed.find((a) => a.toLowerCase() === String(value).toLowerCase());
  if (!match) {
    throw new ArmError(
      400,
      "InvalidRequestFormat",
      `Cannot parse the request. Value '${String(value)}' of property '${property}' of ${where} is not one of ${allowed.join(", ")}.`,
    );
  }
  return match;
}

/** The location of a tracked resource, or of the top-level resource above a child. */
export function locationOf(ctx: ArmContext, resource: StoredResource): string {
  if (resource.body.location && resource.body.location !== "global") return resource.body.location;
  const parentId = parentIdOf(resource.id);
  const parent = parentId ? ctx.resolve(parentId) : undefined;
  return parent ? locationOf(ctx, parent) : "global";
}
