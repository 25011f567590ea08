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

/**
 * Writes a file the sandbox's secrets may be in (the env file, the ready output) whole (temp file, then rename, so a
 * reader waiting for it never sees half), readable by its owner only.
 */
export function writePrivateFile(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, path);
}
