import Ajv2020, { ErrorObject, ValidateFunction } from "ajv/dist/2020";
import schema from "../config.schema.json";

/** The JSON Schema shipped at provisioner/config.schema.json (copied into build/ by tsc). */
export const CONFIG_SCHEMA = schema;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // allErrors off: the first problem is the one line the user sees. useDefaults fills the schema's defaults in.
  compiled ??= new Ajv2020({ allErrors: false, useDefaults: true, verbose: true, strict: true, strictRequired: false, strictTypes: false }).compile(schema);
  return compiled;
}

/** Fields a config must never carry: passwords and secrets have their own channels. */
const FORBIDDEN_FIELDS: Array<[RegExp, string]> = [
  [/^(admin)?password$/i, "passwords are not supported: the VMs accept SSH keys only; remove it and set vm.sshPublicKeyFile"],
  [/^(pat|token|personalaccesstoken)$/i, "the PAT is never read from a file: remove it and set AZURE_DEVOPS_EXT_PAT in the environment"],
  [
    /^(clientsecret|secret)$/i,
    "secrets are never read from the config: remove it and use DefaultAzureCredential (AZURE_CLIENT_SECRET, managed identity or az login)",
  ],
];

/** Refuses password/secret fields anywhere, before the schema's generic "unknown field" would. */
export function findForbiddenField(value: unknown, path = ""): string | undefined {
  if (!value || typeof value !== "object") return undefined;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const here = path ? `${path}.${key}` : key;
    const rule = FORBIDDEN_FIELDS.find(([pattern]) => pattern.test(key));
    if (rule) return `${here}: ${rule[1]}`;
    const nested = findForbiddenField(child, here);
    if (nested) return nested;
  }
  return undefined;
}

/** Validates (and fills defaults into) the parsed document; returns one line describing the first problem. */
export function validateAgainstSchema(document: unknown): string | undefined {
  const validate = validator();
  if (validate(document)) return undefined;
  return describeError((validate.errors ?? [])[0]);
}

function dotted(instancePath: string): string {
  return instancePath
    .split("/")
    .filter((s) => s !== "")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : s))
    .join(".")
    .replace(/\.\[/g, "[");
}

function shown(value: unknown): string {
  const text = typeof value === "string" ? `'${value}'` : JSON.stringify(value);
  return text.length > 120 ? text.slice(0, 117) + "..." : text;
}

function describeError(error: ErrorObject | undefined): string {
  if (!error) return "the config does not match the schema";
  const path = dotted(error.instancePath);
  const at = path || "the config";
  const parent = error.parentSchema as { description?: string; properties?: Record<string, unknown> } | undefined;
  const expected = parent?.description ? `: ${parent.description.split(/(?<=\.)\s/)[0]}` : "";
  if (path === "network.vnet" && ["oneOf", "required", "not"].includes(error.keyword)) {
    return "network.vnet needs either id (an existing VNet) or name and addressSpace (a VNet to create), not both";
  }
  if (path === "vm.image" && error.keyword !== "required") {
    return "vm.image must be publisher:offer:sku:version (e.g. Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest) or an object with publisher, offer, sku";
  }
  switch (error.keyword) {
    case "required": {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const full = path ? `${path}.${missing}` : missing;
      const description = (parent?.properties?.[missing] as { description?: string } | undefined)?.description;
      const when = path === "pool" && (missing === "serviceEndpointId" || missing === "projectId") ? " (required when pool.mode is scaleset)" : "";
      return `${full} is missing${when}${description ? `: ${description}` : ""}`;
    }
    case "additionalProperties": {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(parent?.properties ?? {}).filter((k) => k !== "$schema");
      return `${path ? `${path}.` : ""}${extra} is not a known field${known.length ? `; fields here are: ${known.join(", ")}` : ""}`;
    }
    case "enum": {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      return `${at} must be one of ${allowed.join(", ")} (got ${shown(error.data)})`;
    }
    case "type":
      return `${at} must be ${(error.params as { type: string }).type === "integer" ? "a whole number" : `a ${(error.params as { type: string }).type}`} (got ${shown(error.data)})`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const { comparison, limit } = error.params as { comparison: string; limit: number };
      return `${at} must be ${comparison} ${limit} (got ${shown(error.data)})`;
    }
    case "pattern":
      return `${at} ${shown(error.data)} is not valid${expected}`;
    case "propertyNames":
    case "not":
      if (path === "tags" || path.startsWith("tags")) return "tags: keys starting with amlvnet- are reserved for amlvnet's ownership tags; rename them";
      return `${at} is not valid${expected}`;
    default:
      return `${at} ${error.message ?? "is not valid"}${expected}`;
  }
}
