/**
 * Helpers shared by the sandbox's resource types. Shapes from azure-rest-api-specs network 2024-07-01: `resourceGuid`
 * is the read-only GUID of virtualNetwork.json / networkSecurityGroup.json property bags, and the `{id}` lists are
 * their read-only back-references (NetworkSecurityGroupPropertiesFormat.subnets, SubnetPropertiesFormat.ipConfigurations);
 * the spec examples in test/fixtures/arm/ show neither, so these come from the definitions alone.
 * InvalidResourceReference's wording is the Network RP's, as deployments quote it (Azure/RDS-Templates#349,
 * microsoft/MCW-Building-a-resilient-IaaS-architecture#35); the region detail in parentheses is ours.
 */
import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import type { ArmContext } from "../resource-type";
import { parentIdOf } from "../resource-id";
import type { StoredResource } from "../store";
import { asObject, asString, JsonObject, propertiesOf } from "./wire";

/** `{id}` references as ARM lists them in read-only back-reference arrays. */
export function idRefs(resources: Array<{ id: string }>): Array<{ id: string }> {
  return resources.map((r) => ({ id: r.id }));
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
  return asString(propertiesOf(request.existing?.body).resourceGuid) ?? guidFrom(request.id + Date.now());
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

/**
 * A list property of a request's `properties`: absent is empty; anything but an array is refused the way the Network
 * RP's JSON binding refuses a value of the wrong type: 400 InvalidRequestFormat "Cannot parse the request." with an
 * InvalidJson detail "Error converting value … Path '…'" (Azure/azure-cli#2122, Azure/azure-powershell#13544). Ours
 * names the property after Azure's message and says "an array" where Azure names its .NET type. Before typing, such
 * a body crashed the sandbox with a 500.
 */
export function listProperty(props: JsonObject, property: string, where: string): unknown[] {
  const value = props[property];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new ArmError(400, "InvalidRequestFormat", `Cannot parse the request. Value of property '${property}' of ${where} must be an array.`, {}, [
      { code: "InvalidJson", message: `Error converting value ${JSON.stringify(value)} to an array. Path 'properties.${property}'.` },
    ]);
  }
  return value;
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

/** A tracked resource's region as stored (ARM's TrackedResource.location, which every tracked resource carries). */
export function trackedLocation(resource: StoredResource): string {
  return String(asObject(resource.body).location);
}

/** The location of a tracked resource, or of the top-level resource above a child. */
export function locationOf(ctx: ArmContext, resource: StoredResource): string {
  const location = asString(asObject(resource.body).location);
  if (location && location !== "global") return location;
  const parentId = parentIdOf(resource.id);
  const parent = parentId ? ctx.resolve(parentId) : undefined;
  return parent ? locationOf(ctx, parent) : "global";
}
