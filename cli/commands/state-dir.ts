import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "../args";

/**
 * Creates the state directory one level at a time (mkdir's recursive mode can loop forever on /proc) and checks
 * it is a writable directory; a one-line usage error otherwise.
 */
export function ensureStateDir(dir: string): string {
  const path = resolve(dir);
  const missing: string[] = [];
  let existing = path;
  for (;;) {
    try {
      statSync(existing);
      break;
    } catch {
      missing.unshift(existing);
      if (dirname(existing) === existing) break;
      existing = dirname(existing);
    }
  }
  try {
    for (const level of missing) mkdirSync(level, { mode: 0o700 });
    if (!statSync(path).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new UsageError(`--state-dir ${dir} cannot be used (${code}): give a directory this user can create or write, e.g. --state-dir "$(mktemp -d)"`);
  }
  return path;
}
