import { ArmError } from "../arm-error";

/**
 * Narrowing helpers for request bodies, which arrive as untyped JSON. The envelope they read is ARM's: a resource
 * (azure-rest-api-specs common-types/resource-management/v5/types.json `Resource`) with its `properties` bag, and
 * `{id}` references (network.json `SubResource`); requirePriority's default range is the Network RP's (firewallPolicy.json 2024-05-01
 * FirewallPolicyRuleCollectionGroupProperties.priority: minimum 100, maximum 65000).
 */

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown): JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

export function asObjects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.map(asObject) : [];
}

export function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The `id` of a `{id}` reference, if any. */
export function refIdOf(value: unknown): string | undefined {
  return asString(asObject(value).id);
}

/** A priority in [min, max], as the Network RP validates rule collection and group priorities. */
export function requirePriority(value: unknown, property: string, where: string, min = 100, max = 65000): number {
  const priority = typeof value === "number" ? value : Number.NaN;
  if (!Number.isInteger(priority) || priority < min || priority > max) {
    throw new ArmError(
      400,
      "InvalidRequestFormat",
      `Cannot parse the request. Value '${String(value)}' of property '${property}' of ${where} must be an integer between ${min} and ${max}.`,
    );
  }
  return priority;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

export function asBoolean(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

/** A resource body's `properties` bag (ARM's envelope), or `{}` when it has none. */
export function propertiesOf(body: unknown): JsonObject {
  return asObject(asObject(body).properties);
}
