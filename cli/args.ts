import { parseArgs } from "node:util";

export class UsageError extends Error {}

export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: string | boolean }>;

/** Parses argv with node's parser, turning its errors into one-line usage errors that name the flag. */
export function parseCommandArgs<T extends OptionSpec>(argv: string[], options: T, command: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify.*$/, "")} (see 'amlvnet ${command} --help')`);
  }
}

export function intOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  return parsed;
}

export function floatOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}, got '${value}'`);
  return parsed;
}

export function choiceOption<C extends string>(value: string | undefined, name: string, choices: readonly C[], fallback: C): C {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got '${value}'`);
  return value as C;
}
