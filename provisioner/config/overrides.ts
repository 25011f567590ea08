import { ProvisionerInputError } from "../errors";

/** A config field a command-line flag may set, e.g. `--count 5` for `pool.count`. */
interface OverridableField {
  flag: string;
  path: string[];
  /** list: a repeatable flag whose values replace the list (entries of the file with the same name are kept). */
  kind: "string" | "integer" | "list";
}

export const OVERRIDABLE_FIELDS: readonly OverridableField[] = [
  { flag: "subscription", path: ["subscription"], kind: "string" },
  { flag: "resource-group", path: ["resourceGroup"], kind: "string" },
  { flag: "location", path: ["location"], kind: "string" },
  { flag: "workspace", path: ["workspace"], kind: "string" },
  { flag: "pool", path: ["pool", "name"], kind: "string" },
  { flag: "count", path: ["pool", "count"], kind: "integer" },
  { flag: "mode", path: ["pool", "mode"], kind: "string" },
  { flag: "vm-size", path: ["vm", "size"], kind: "string" },
  { flag: "bootstrap", path: ["bootstrap"], kind: "string" },
  { flag: "project", path: ["projects"], kind: "list" },
];

export interface ConfigOverride {
  flag: string;
  path: string[];
  value: string | number | string[];
}

/** The overrides among parsed flag values (undefined = not given); a malformed number is refused by flag name. */
export function overridesFromFlags(values: Record<string, unknown>): ConfigOverride[] {
  const overrides: ConfigOverride[] = [];
  for (const field of OVERRIDABLE_FIELDS) {
    const given = values[field.flag];
    if (field.kind === "list") {
      if (Array.isArray(given) && given.length) overrides.push({ flag: field.flag, path: field.path, value: given.map(String) });
      continue;
    }
    if (typeof given !== "string") continue;
    if (field.kind === "integer" && !/^\d+$/.test(given))
      throw new ProvisionerInputError(`--${field.flag} '${given}' is not a whole number; give e.g. --${field.flag} 3`);
    overrides.push({ flag: field.flag, path: field.path, value: field.kind === "integer" ? Number(given) : given });
  }
  return overrides;
}

/** Sets each overridden field in the parsed document (creating missing mappings), before schema validation. */
export function applyOverrides(document: Record<string, unknown>, overrides: readonly ConfigOverride[]): void {
  for (const override of overrides) {
    let node = document;
    for (const key of override.path.slice(0, -1)) {
      const next = node[key];
      if (!next || typeof next !== "object" || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const key = override.path[override.path.length - 1];
    node[key] = Array.isArray(override.value) ? mergeList(node[key], override.value) : override.value;
  }
}

/** The flag's names, each as the file's entry of that name when it has one (keeping its settings). */
function mergeList(current: unknown, names: string[]): unknown[] {
  const entries = Array.isArray(current) ? (current as unknown[]) : [];
  const nameOf = (entry: unknown) =>
    typeof entry === "string" ? entry : typeof entry === "object" && entry !== null ? String((entry as { name?: unknown }).name ?? "") : "";
  return names.map((name) => entries.find((entry) => nameOf(entry).toLowerCase() === name.toLowerCase()) ?? name);
}

/** The help text lines for the flags. */
export function overrideHelp(fields: readonly OverridableField[] = OVERRIDABLE_FIELDS): string {
  return fields
    .map((field) =>
      field.kind === "list"
        ? `  --${`${field.flag} NAME`.padEnd(22)}sets ${field.path.join(".")} (repeat the flag for each)`
        : `  --${`${field.flag} ${field.kind === "integer" ? "N" : "VALUE"}`.padEnd(22)}overrides ${field.path.join(".")}`,
    )
    .join("\n");
}
