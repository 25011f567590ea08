import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";

export class UsageError extends Error {}

export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: string | boolean }>;

/** `--count -1` → `--count=-1` for string options, so a negative number reaches the range check (one line). */
function joinNegativeValues(argv: string[], options: OptionSpec): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : Object.keys(options).find((key) => options[key].short && argv[i] === `-${options[key].short}`);
    if (name && options[name]?.type === "string" && /^-\d/.test(argv[i + 1] ?? "")) {
      joined.push(`--${name}=${argv[i + 1]}`);
      i++;
    } else {
      joined.push(argv[i]);
    }
  }
  return joined;
}

/** Parses argv with node's parser, turning its errors into one-line usage errors that name the flag. */
export function parseCommandArgs<T extends OptionSpec>(argv: string[], options: T, command: string) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: false, strict: true });
  } catch (error) {
    const firstLine = (error as Error).message.split("\n")[0].replace(/\. To specify.*$/, "");
    throw new UsageError(`${firstLine} (see 'amlvnet ${command} --help')`);
  }
}

/** -o/--output FORMAT (--format is the same option) and --out-file FILE, as every command takes them. */
export const OUTPUT_OPTIONS = {
  output: { type: "string", short: "o" },
  format: { type: "string" },
  "out-file": { type: "string" },
} as const;

export const OUTPUT_HELP = `  -o, --output FORMAT     %FORMATS% (default: text); --format FORMAT is the same option
  --out-file FILE         write the output to FILE instead of stdout`;

/**
 * The format and file from -o/--output, --format and --out-file. \`legacyFile\`: an --output value that is not a format
 * is taken as the file (check's --output FILE before 1.1), with a warning naming --out-file.
 */
export function outputOptions<C extends string>(
  values: { output?: string; format?: string; "out-file"?: string },
  formats: readonly C[],
  options: { legacyFile?: boolean; warn?: (line: string) => void } = {},
): { format: C; outFile?: string } {
  let output = values.output;
  let outFile = values["out-file"];
  if (output !== undefined && options.legacyFile && !(formats as readonly string[]).includes(output)) {
    if (outFile !== undefined) throw new UsageError(`--output takes the format (${formats.join(", ")}), got '${output}'; the file goes in --out-file`);
    options.warn?.(`amlvnet: --output FILE is deprecated: write --out-file ${output} (-o/--output now takes the format, as in az)`);
    outFile = output;
    output = undefined;
  }
  if (output !== undefined && values.format !== undefined && output !== values.format)
    throw new UsageError(`--output '${output}' and --format '${values.format}' are the same option; give one`);
  const format = choiceOption(output ?? values.format, output !== undefined ? "output" : "format", formats, formats[0]);
  if (outFile !== undefined) ensureWritableFile(values["out-file"] !== undefined ? "--out-file" : "--output", outFile);
  return { format, outFile };
}

/** A file a command will write must be creatable before anything runs: a one-line usage error otherwise. */
export function ensureWritableFile(flag: string, file: string): void {
  const directory = dirname(resolve(file));
  try {
    if (!statSync(directory).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    accessSync(directory, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new UsageError(`${flag} ${file} cannot be written (${code} on ${directory}): give a file in an existing directory this user can write`);
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
