import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { amlvnet } from "../helpers/cli";

/**
 * Every `--help`, compared with its snapshot in test/cli/help/ (the temp directory written as $TMPDIR). A change to a
 * help text is deliberate: regenerate with `UPDATE_HELP_SNAPSHOTS=1 node scripts/run-tests.js build/test/cli/help-snapshots.test.js`.
 */
const HELPS: Array<[name: string, args: string[]]> = [
  ["amlvnet", ["--help"]],
  ["check", ["check", "--help"]],
  ["plan", ["plan", "--help"]],
  ["apply", ["apply", "--help"]],
  ["destroy", ["destroy", "--help"]],
  ["status", ["status", "--help"]],
  ["sandbox", ["sandbox", "--help"]],
];

describe("every --help matches its snapshot", () => {
  for (const [name, args] of HELPS) {
    it(`amlvnet ${args.join(" ")}`, async () => {
      const run = await amlvnet(args, {});
      assert.deepEqual([run.code, run.stderr], [0, ""]);
      const text = run.stdout.split(tmpdir()).join("$TMPDIR");
      assert.doesNotMatch(text, /\$\{/, "no unexpanded template placeholder");
      assert.ok(
        text.split("\n").every((line) => line.length <= 132),
        "lines fit a terminal",
      );
      const file = join("test", "cli", "help", `${name}.txt`);
      if (process.env.UPDATE_HELP_SNAPSHOTS || !existsSync(file)) writeFileSync(file, text);
      assert.equal(text, readFileSync(file, "utf8"), `${file} differs: regenerate it if the change is deliberate`);
    });
  }
});
