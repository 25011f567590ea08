import { parseJsonBody, type SandboxRequest } from "../http/message";
import { ArmError } from "./arm-error";
import { KNOWN_LOCATIONS, normalizeLocation } from "./api-versions";
import type { ResourceTypeSpec } from "./resource-type";
import type { StoredResource } from "./store";
import { asObject, JsonObject } from "./types/wire";

/** What a write brings: its JSON body, a PATCH merged into the stored body, and where the resource is placed. */

/** The request's JSON (`{}` when it has no body): untrusted, so `unknown` until a writer narrows it. */
export function readBody(req: SandboxRequest): unknown {
  try {
    return parseJsonBody(req) ?? {};
  } catch (error) {
    throw new ArmError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: '${(error as Error).message}'.`);
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON merge patch (RFC 7386), which is what ARM's PATCH endpoints apply. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch;
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

export function placementLocation(
  spec: ResourceTypeSpec,
  body: { location?: unknown },
  existing: StoredResource | undefined,
  name: string,
): string | undefined {
  if (spec.placement === "child") return undefined;
  if (spec.placement === "global") {
    if (body.location !== undefined && String(body.location).toLowerCase() !== "global") {
      throw new ArmError(400, "BadRequest", `The location '${String(body.location)}' is not valid for resource type '${spec.type}'. Use 'global'.`);
    }
    return "global";
  }
  if (body.location === undefined || body.location === null || body.location === "") {
    throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
  }
  const location = normalizeLocation(String(body.location));
  if (!location) {
    throw new ArmError(
      400,
      "LocationNotAvailableForResourceType",
      `The provided location '${String(body.location)}' is not available for resource type '${spec.type}'. List of available regions for the resource type is '${KNOWN_LOCATIONS.join(",")}'.`,
    );
  }
  const existingLocation = existing && asObject(existing.body).location;
  if (existing && existingLocation !== location) {
    throw new ArmError(
      400,
      "InvalidResourceLocation",
      `The resource '${name}' already exists in location '${String(existingLocation)}' in resource group '${existing.id.split("/")[4]}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`,
    );
  }
  return location;
}
