import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every regular file below `dir`, however deep (what a test searches for a secret or a leftover). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat?.isDirectory() ? filesUnder(path) : stat?.isFile() ? [path] : [];
  });
}
