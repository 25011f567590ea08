import assert from "node:assert/strict";
import { UsageError } from "../../cli/args";
import { EXIT } from "../../cli/exit-codes";
import { runCli, type Command } from "../../cli/run-cli";

/** The CLI's top level with one injected command, its output captured. */
async function run(args: string[], command: Command): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { broken: command }, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

async function readsAMissingProperty(): Promise<number> {
  const report = JSON.parse("{}") as { checks: Array<{ id: string }> };
  return report.checks[0].id.length;
}

describe("the CLI's top level: exit code 3 for an unexpected error, --debug for its stack", () => {
  it("a bug in a command exits 3 with one line naming the error and suggesting --debug", async () => {
    const result = await run(["broken", "--workspace", "x"], readsAMissingProperty);
    assert.equal(result.code, EXIT.unexpected);
    assert.equal(result.code, 3);
    assert.equal(result.stdout, "");
    assert.equal(result.stderr.split("\n").length, 2, result.stderr); // one line and its newline
    assert.match(
      result.stderr,
      /^amlvnet: unexpected error: Cannot read properties of undefined \(reading '0'\) \(run again with --debug for the stack trace\)\n$/,
    );
  });

  it("--debug (anywhere on the line) prints the stack trace instead, still exit 3", async () => {
    const result = await run(["broken", "--debug", "--workspace", "x"], readsAMissingProperty);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /^amlvnet: unexpected error: TypeError: Cannot read properties of undefined \(reading '0'\)\n\s+at readsAMissingProperty /);
    assert.doesNotMatch(result.stderr, /run again with --debug/);
  });

  it("a multi-line message keeps to its first line; something thrown that is not an Error is unexpected too", async () => {
    const multi = await run(["broken"], () => Promise.reject(new RangeError("first line\nsecond line")));
    assert.equal(multi.code, 3);
    assert.equal(multi.stderr, "amlvnet: unexpected error: first line (run again with --debug for the stack trace)\n");
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the point: a non-Error thrown by a dependency
    const thrown = await run(["broken"], () => Promise.reject("a string"));
    assert.equal(thrown.code, 3);
    assert.equal(thrown.stderr, "amlvnet: unexpected error: a string (run again with --debug for the stack trace)\n");
  });

  it("bad input stays exit 2 with its own line (no --debug hint); the command's own code passes through", async () => {
    const usage = await run(["broken"], () => Promise.reject(new UsageError("--count must be a whole number from 1 to 100, got '-1'")));
    assert.deepEqual([usage.code, usage.stderr], [2, "amlvnet: --count must be a whole number from 1 to 100, got '-1'\n"]);
    const fine = await run(["broken"], () => Promise.resolve(1));
    assert.deepEqual([fine.code, fine.stderr], [1, ""]);
    const unknown = await run(["nope"], readsAMissingProperty);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^amlvnet: unknown command 'nope'; commands are: broken/);
  });

  it("'help <command>' is '<command> --help'", async () => {
    const asked: string[][] = [];
    const code = await runCli(
      ["help", "broken"],
      { broken: (argv) => Promise.resolve(asked.push(argv) && 0) },
      { stdout: () => undefined, stderr: () => undefined },
    );
    assert.deepEqual([code, asked], [0, [["--help"]]]);
  });
});
