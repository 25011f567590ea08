/**
 * A JSON Schema (2020-12) validator for the few keywords report.schema.json uses, so the tests need no
 * dependency. It refuses schemas with any other keyword, so nothing in the schema goes silently unchecked.
 */
export interface SchemaNode {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean;
  items?: SchemaNode;
  minimum?: number;
  minLength?: number;
}

const KNOWN = new Set(["$schema", "$id", "$ref", "$defs", "title", "description", "type", "enum", "required", "properties", "additionalProperties", "items", "minimum", "minLength"]);

/** Throws when the schema uses a keyword this validator does not implement. */
export function assertSupported(node: SchemaNode, path = "#"): void {
  for (const key of Object.keys(node)) if (!KNOWN.has(key)) throw new Error(`${path}: keyword '${key}' is not supported by mini-schema`);
  for (const [name, child] of Object.entries(node.$defs ?? {})) assertSupported(child, `${path}/$defs/${name}`);
  for (const [name, child] of Object.entries(node.properties ?? {})) assertSupported(child, `${path}/properties/${name}`);
  if (node.items) assertSupported(node.items, `${path}/items`);
}

/** Every violation as "path: reason"; empty when valid. */
export function validate(value: unknown, node: SchemaNode, root: SchemaNode = node, path = "$"): string[] {
  if (node.$ref) {
    const name = node.$ref.replace(/^#\/\$defs\//, "");
    const target = root.$defs?.[name];
    if (!target) return [`${path}: unresolved $ref ${node.$ref}`];
    return validate(value, target, root, path);
  }
  const errors: string[] = [];
  if (node.type !== undefined) {
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (!types.some((type) => hasType(value, type))) return [`${path}: expected ${types.join(" or ")}, got ${JSON.stringify(value)}`];
  }
  if (node.enum && !node.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(node.enum)}`);
  if (typeof value === "number" && node.minimum !== undefined && value < node.minimum) errors.push(`${path}: below ${node.minimum}`);
  if (typeof value === "string" && node.minLength !== undefined && [...value].length < node.minLength) errors.push(`${path}: shorter than ${node.minLength}`);
  if (Array.isArray(value) && node.items) value.forEach((item, index) => errors.push(...validate(item, node.items as SchemaNode, root, `${path}[${index}]`)));
  if (isObject(value)) {
    for (const key of node.required ?? []) if (!(key in value)) errors.push(`${path}: missing '${key}'`);
    for (const [key, child] of Object.entries(value)) {
      const property = node.properties?.[key];
      if (property) errors.push(...validate(child, property, root, `${path}.${key}`));
      else if (node.additionalProperties === false) errors.push(`${path}: unexpected '${key}'`);
    }
  }
  return errors;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}
