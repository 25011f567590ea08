import { renameSync, writeFileSync } from "node:fs";

/** A value as one bash word: single-quoted, each ' written '\'' (spaces, quotes, $ and ` stay literal). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `export NAME='value'` lines bash (and sh) can `source`. */
export function envFileText(env: Record<string, string | undefined>): string {
  return (
    Object.entries(env)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
      .join("\n") + "\n"
  );
}

/** Writes the env file whole (temp file, then rename), readable by its owner only: it holds the sandbox's secrets. */
export function writeEnvFile(path: string, env: Record<string, string | undefined>): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, envFileText(env), { mode: 0o600 });
  renameSync(temp, path);
}
