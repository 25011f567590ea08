import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const REPO = path.resolve(__dirname, "..", "..", "..");
const SCRIPT = path.join(REPO, "scripts", "version-check.js");

interface TaskVersion {
  Major: number;
  Minor: number;
  Patch: number;
}

function runVersionCheck(root: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [SCRIPT, "--root", root], { encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

describe("scripts/version-check.js", () => {
  let root: string;
  let taskJsonPath: string;
  let agreeing: TaskVersion;

  beforeEach(() => {
    // A copy of the repository's version sources, with the task's version set to what the rule asks for.
    root = fs.mkdtempSync(path.join(os.tmpdir(), "amlvnet-version-"));
    fs.copyFileSync(path.join(REPO, "package.json"), path.join(root, "package.json"));
    fs.copyFileSync(path.join(REPO, "vss-extension.json"), path.join(root, "vss-extension.json"));
    const [, minor, patch] = readJson<{ version: string }>(path.join(REPO, "package.json")).version.split(".").map(Number);
    agreeing = { Major: 1, Minor: minor, Patch: patch };
    taskJsonPath = path.join(root, "tasks", "AmlNetworkGateV1", "task.json");
    const realTaskJson = path.join(REPO, "tasks", "AmlNetworkGateV1", "task.json");
    const base = fs.existsSync(realTaskJson) ? readJson<Record<string, unknown>>(realTaskJson) : { name: "AmlNetworkGate" };
    writeJson(taskJsonPath, { ...base, version: agreeing });
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("passes on the repository as committed", () => {
    const { status, output } = runVersionCheck(REPO);
    assert.equal(status, 0, output);
    assert.match(output, /versions agree/);
  });

  it("passes on a copy whose task version is V<n>.<minor>.<patch> of package.json", () => {
    const { status, output } = runVersionCheck(root);
    assert.equal(status, 0, output);
  });

  it("fails on a task.json whose patch differs, naming the file and field", () => {
    writeJson(taskJsonPath, { ...readJson<object>(taskJsonPath), version: { ...agreeing, Patch: agreeing.Patch + 3 } });
    const { status, output } = runVersionCheck(root);
    assert.equal(status, 1);
    const lines = output.trim().split("\n");
    assert.equal(lines.length, 1, output);
    assert.match(lines[0], /^tasks\/AmlNetworkGateV1\/task\.json: version\.Patch is \d+, expected \d+/);
  });

  it("fails on a task.json whose major is not the folder's V<n>", () => {
    writeJson(taskJsonPath, { ...readJson<object>(taskJsonPath), version: { ...agreeing, Major: 2 } });
    const { status, output } = runVersionCheck(root);
    assert.equal(status, 1);
    assert.match(output, /tasks\/AmlNetworkGateV1\/task\.json: version\.Major is 2, expected 1 \(from folder AmlNetworkGateV1\)/);
  });

  it("fails on a manifest version that differs from package.json, one line per mismatch", () => {
    const manifestPath = path.join(root, "vss-extension.json");
    writeJson(manifestPath, { ...readJson<object>(manifestPath), version: "9.9.9" });
    writeJson(taskJsonPath, { ...readJson<object>(taskJsonPath), version: { ...agreeing, Minor: agreeing.Minor + 1 } });
    const { status, output } = runVersionCheck(root);
    assert.equal(status, 1);
    const lines = output.trim().split("\n");
    assert.equal(lines.length, 2, output);
    assert.match(lines[0], /^vss-extension\.json: version is "9\.9\.9", expected "\d+\.\d+\.\d+"/);
    assert.match(lines[1], /^tasks\/AmlNetworkGateV1\/task\.json: version\.Minor/);
  });
});
