import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";

const REPO = path.resolve(__dirname, "..", "..", "..");
const TASK = "AmlNetworkGateV1";

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** Reads a ZIP's central directory (end-of-central-directory record, then one header per entry). */
function listZip(zip: Buffer): ZipEntry[] {
  const eocdSignature = 0x06054b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i -= 1) {
    if (zip.readUInt32LE(i) === eocdSignature) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, "no end-of-central-directory record: not a ZIP");
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    assert.equal(zip.readUInt32LE(offset), 0x02014b50, `central directory entry ${i} has a bad signature`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      name: zip.toString("utf8", offset + 46, offset + 46 + nameLength),
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function readZipEntry(zip: Buffer, entry: ZipEntry): Buffer {
  const local = entry.localHeaderOffset;
  assert.equal(zip.readUInt32LE(local), 0x04034b50, `${entry.name}: bad local header`);
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  assert.equal(entry.method, 8, `${entry.name}: unexpected compression method ${entry.method}`);
  return zlib.inflateRawSync(data);
}

/** A temporary project tree: the real manifest, overview, icon and overrides, with a tiny task standing in. */
function makeFixtureRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "amlvnet-vsix-"));
  const version = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;
  const [, minor, patch] = version.split(".").map(Number);
  fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "fixture", version }));
  for (const file of ["vss-extension.json", "overview.md"]) fs.copyFileSync(path.join(REPO, file), path.join(root, file));
  for (const dir of ["images", "overrides"]) fs.cpSync(path.join(REPO, dir), path.join(root, dir), { recursive: true });

  const taskDir = path.join(root, "tasks", TASK);
  fs.mkdirSync(taskDir, { recursive: true });
  fs.writeFileSync(
    path.join(taskDir, "task.json"),
    JSON.stringify({
      id: "0c6f3b9e-2f55-4a8e-9d0b-7c1d2e3f4a5b",
      name: "AmlNetworkGate",
      friendlyName: "Fixture task",
      description: "Stands in for the real task in packaging tests.",
      author: "amlvnet",
      category: "Deploy",
      version: { Major: 1, Minor: minor, Patch: patch },
      instanceNameFormat: "Fixture",
      inputs: [{ name: "greeting", type: "string", label: "Greeting", required: false }],
      execution: { Node20_1: { target: "index.js" }, Node24: { target: "index.js" } },
      messages: { Hello: "Hello, %s, from the bundled task" },
    }),
  );
  fs.writeFileSync(
    path.join(taskDir, "index.ts"),
    [
      'import path from "node:path";',
      'import * as tl from "azure-pipelines-task-lib/task";',
      'tl.setResourcePath(path.join(__dirname, "task.json"));',
      'console.log(tl.loc("Hello", tl.getInput("greeting") ?? "nobody"));',
      'try { tl.getInput("missingInput", true); } catch (error) { console.log(`lib: ${(error as Error).message}`); }',
      'tl.setResult(tl.TaskResult.Succeeded, "");',
      "",
    ].join("\n"),
  );
  return root;
}

describe("npm run package (on a temporary task)", function () {
  let root: string;
  let packageOutput: string;
  let vsixPath: string;
  let zip: Buffer;
  let entries: ZipEntry[];

  before(function () {
    this.timeout(180_000);
    root = makeFixtureRoot();
    const result = spawnSync(
      process.execPath,
      [path.join(REPO, "scripts", "package.js"), "--root", root, "--skip-typecheck", "--overrides-file", "overrides/dev.json"],
      { encoding: "utf8" },
    );
    packageOutput = `${result.stdout}${result.stderr}`;
    assert.equal(result.status, 0, packageOutput);
    const vsixFiles = fs.readdirSync(path.join(root, "dist")).filter((name) => name.endsWith(".vsix"));
    assert.equal(vsixFiles.length, 1, `expected one .vsix in dist/: ${vsixFiles.join(", ")}`);
    vsixPath = path.join(root, "dist", vsixFiles[0]);
    zip = fs.readFileSync(vsixPath);
    entries = listZip(zip);
  });

  after(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  function entryText(name: string): string {
    const entry = entries.find((e) => e.name === name);
    assert.ok(entry, `${name} is not in the .vsix (${entries.map((e) => e.name).join(", ")})`);
    return readZipEntry(zip, entry).toString("utf8");
  }

  it("writes a .vsix that is a ZIP holding the manifest and the bundled task", () => {
    const names = entries.map((e) => e.name);
    for (const expected of ["extension.vsixmanifest", "extension.vsomanifest", `${TASK}/task.json`, `${TASK}/index.js`, `${TASK}/icon.png`]) {
      assert.ok(names.includes(expected), `${expected} missing from ${names.join(", ")}`);
    }
    assert.deepEqual(
      names.filter((n) => n.includes("node_modules")),
      [],
    );
    assert.deepEqual(names.filter((n) => n.startsWith(`${TASK}/`) && !n.endsWith("/")).sort(), [`${TASK}/icon.png`, `${TASK}/index.js`, `${TASK}/task.json`]);
    assert.ok(fs.statSync(vsixPath).size < 25 * 1024 * 1024, "the Marketplace rejects a .vsix over 25 MiB");
  });

  it("lists the task contribution, with the dev publisher and name from the overrides file", () => {
    const vsixmanifest = entryText("extension.vsixmanifest");
    assert.match(vsixmanifest, /Publisher="amlvnet-dev"/);
    assert.match(vsixmanifest, /<DisplayName>AML Network Gate \(dev\)<\/DisplayName>/);
    const version = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
    assert.match(vsixmanifest, new RegExp(`Version="${version.replace(/\./g, "\\.")}"`));
    const vsomanifest = JSON.parse(entryText("extension.vsomanifest")) as {
      contributions: Array<{ type: string; targets: string[]; properties: { name: string } }>;
    };
    const task = vsomanifest.contributions.find((c) => c.type === "ms.vss-distributed-task.task");
    assert.ok(task, "no ms.vss-distributed-task.task contribution");
    assert.deepEqual(task.targets, ["ms.vss-distributed-task.tasks"]);
    assert.equal(task.properties.name, TASK);
  });

  it("bundles the task into one index.js with no node_modules beside it", () => {
    const bundled = path.join(root, "dist", "tasks", TASK);
    assert.deepEqual(fs.readdirSync(bundled).sort(), ["icon.png", "index.js", "task.json"]);
    const source = fs.readFileSync(path.join(bundled, "index.js"), "utf8");
    assert.doesNotMatch(source, /require\("azure-pipelines-task-lib/);
  });

  it("runs the bundled task from a directory with no node_modules and reports Succeeded", () => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "amlvnet-run-"));
    try {
      for (const file of ["index.js", "task.json"]) fs.writeFileSync(path.join(runDir, file), entryText(`${TASK}/${file}`));
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        INPUT_GREETING: "pipeline",
        AGENT_TEMPDIRECTORY: runDir,
        SYSTEM_CULTURE: "en-US",
      };
      const result = spawnSync(process.execPath, [path.join(runDir, "index.js")], { cwd: runDir, env, encoding: "utf8", timeout: 30_000 });
      const output = `${result.stdout}${result.stderr}`;
      assert.equal(result.status, 0, output);
      assert.match(result.stdout, /Hello, pipeline, from the bundled task/); // the task's own messages, read from task.json
      assert.match(result.stdout, /lib: Input required: missingInput/); // task-lib's messages, embedded in the bundle
      assert.match(result.stdout, /##vso\[task\.complete result=Succeeded;\]/);
    } finally {
      fs.rmSync(runDir, { recursive: true, force: true });
    }
  });
});
