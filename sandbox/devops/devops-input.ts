import type { SandboxRequest } from "../http/message";
import type { AgentPublicKey } from "./devops-model";

/** Loose readers for request bodies: the service's JSON binder tolerates missing fields and wrong-case enum names. */

export type JsonObject = Record<string, unknown>;

/** The body as an object, or undefined when it is empty, unparsable or not an object (the binder gives null). */
export function readObject(req: SandboxRequest): JsonObject | undefined {
  if (req.body.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(req.body.toString("utf8"));
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  return undefined;
}

export function int(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

export function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== null && entry !== undefined) result[key] = String(entry);
  return result;
}

/** byte[] as Newtonsoft reads it: a base64 string or an array of byte values. */
export function bytes(value: unknown): Buffer | undefined {
  if (typeof value === "string") return Buffer.from(value, "base64");
  if (Array.isArray(value) && value.every((b) => typeof b === "number" && Number.isInteger(b) && b >= 0 && b < 256)) {
    return Buffer.from(value as number[]);
  }
  return undefined;
}

/** TaskAgent.authorization.publicKey {exponent, modulus}, or undefined when absent or malformed. */
export function publicKey(agent: JsonObject): AgentPublicKey | undefined {
  const authorization = agent.authorization;
  if (!isObject(authorization) || !isObject(authorization.publicKey)) return undefined;
  const exponent = bytes(authorization.publicKey.exponent);
  const modulus = bytes(authorization.publicKey.modulus);
  return exponent && modulus ? { exponent, modulus } : undefined;
}

/** Query parameters are case-insensitive on the service. */
export function query(req: SandboxRequest, name: string): string | undefined {
  for (const [key, value] of req.url.searchParams) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

export function isGuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
