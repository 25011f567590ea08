import { parseDocument } from "yaml";
import { AmlInputError } from "./errors";
import type { ParameterValue } from "./types";

/**
 * The task's `parameters` input: a YAML or JSON map of name to scalar (`learning_rate: 0.01` or
 * `{"learning_rate": 0.01}`). Empty text is no parameters. Anything else is refused with a one-line AmlInputError.
 */
export function parseParameters(text: string): Record<string, ParameterValue> {
  if (!text.trim()) return {};
  const doc = parseDocument(text, { uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    throw new AmlInputError(`parameters${line ? ` line ${line}` : ""}: ${firstLine(error.message)}`);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new AmlInputError(
      `parameters must be a YAML or JSON map of name: value, not ${Array.isArray(value) ? "a list" : `the ${typeof value} '${String(value)}'`}`,
    );
  }
  const result: Record<string, ParameterValue> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== null && typeof v === "object") {
      throw new AmlInputError(`parameters: '${name}' must be a string, number or boolean, not ${Array.isArray(v) ? "a list" : "a map"}`);
    }
    if (typeof v === "number" && !Number.isFinite(v)) throw new AmlInputError(`parameters: '${name}' is not a finite number`);
    result[name] = v as ParameterValue;
  }
  return result;
}

function firstLine(message: string): string {
  return message
    .split("\n")[0]
    .replace(/ at line \d+, column \d+:?$/, "")
    .trim();
}
