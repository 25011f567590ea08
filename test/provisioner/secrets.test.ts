import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { filesUnder } from "../helpers/files";
import { amlvnet, minimalConfig, readLog, Run, startRealAgentSandbox, writeConfig } from "./harness";

/** The forms a secret can leak in: as is, and base64-encoded (alone, or as Basic auth's ":secret"). */
function forms(secret: string): string[] {
  return [secret, Buffer.from(secret).toString("base64"), Buffer.from(`:${secret}`).toString("base64")];
}

/** A request body with every protectedSettings removed: the one place a secret may travel. */
function withoutProtectedSettings(body: string): { rest: string; protectedSettings: string[] } {
  const protectedSettings: string[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { rest: body, protectedSettings };
  }
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (!value || typeof value !== "object") return value;
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === "protectedSettings") protectedSettings.push(JSON.stringify(inner));
      else copy[key] = strip(inner);
    }
    return copy;
  };
  return { rest: JSON.stringify(strip(parsed)), protectedSettings };
}

describe("secrets: the PAT and the client secret appear nowhere but in protectedSettings", function () {
  this.timeout(120_000);
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  let dir: string;
  let logFile: string;
  let secrets: string[];
  const runs: Run[] = [];
  const vmFiles = new Map<string, Buffer>();
  const argvs: string[] = [];

  before(async () => {
    const started = await startRealAgentSandbox();
    ({ sandbox, dir, logFile } = started);
    env = started.env;
    const wrongPat = "w".repeat(52);
    const wrongSecret = `${sandbox.env.AZURE_CLIENT_SECRET}-expired`;
    secrets = [sandbox.env.AZURE_DEVOPS_EXT_PAT, sandbox.env.AZURE_CLIENT_SECRET, wrongPat, wrongSecret];
    const config = writeConfig(dir, "agents.yaml", minimalConfig(sandbox, 2));
    const apply = ["apply", "-f", config, "--poll-interval", "0.05", "--timeout", "1"];
    runs.push(await amlvnet(["plan", "-f", config], env));
    runs.push(await amlvnet([...apply, "--output", "json"], env));
    assert.equal(runs.at(-1)?.code, 0, runs.at(-1)?.stdout + "" + runs.at(-1)?.stderr);
    runs.push(await amlvnet(["status", "-f", config], env));
    runs.push(await amlvnet(apply, { ...env, AZURE_DEVOPS_EXT_PAT: wrongPat }));
    runs.push(await amlvnet(apply, { ...env, AZURE_CLIENT_SECRET: wrongSecret }));
    // What the VMs hold (agent logs, .credentials, the extension's stdout/stderr) before destroy removes them.
    for (const vm of ["vm-aml-private-1", "vm-aml-private-2"]) {
      const vmId = `/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-agents/providers/Microsoft.Compute/virtualMachines/${vm}`;
      for (const file of filesUnder(sandbox.vmAgent.vmDirectory(vmId))) vmFiles.set(file, readFileSync(file));
      for (const command of sandbox.vmAgent.commands(vmId)) argvs.push(command.argv.join(" "));
    }
    runs.push(await amlvnet(["destroy", "-f", config, "--yes"], env));
    assert.equal(runs.at(-1)?.code, 0, runs.at(-1)?.stderr);
  });
  after(() => sandbox.close());

  it("the runs really happened: agents configured, wrong credentials refused", () => {
    assert.ok(vmFiles.size > 10, `only ${vmFiles.size} files on the VMs`);
    assert.ok(
      argvs.some((argv) => /config\.sh --unattended/.test(argv)),
      argvs.join("\n"),
    );
    assert.deepEqual(
      runs.map((run) => run.code),
      [0, 0, 0, 2, 2, 0],
    );
  });

  it("in no stdout or stderr of plan, apply (json and failures), status or destroy", () => {
    for (const run of runs)
      for (const secret of secrets.flatMap(forms))
        assert.ok(!(run.stdout + run.stderr).includes(secret), `${secret.slice(0, 4)}… in:\n${run.stdout}${run.stderr}`);
  });

  it("in the argv of no process the VM scripts started", () => {
    assert.notEqual(sandbox.vmAgent.argvRecording, "off");
    for (const argv of argvs) for (const secret of secrets.flatMap(forms)) assert.ok(!argv.includes(secret), argv);
  });

  it("in no file on the VMs, in the sandbox's state folder or next to the config", () => {
    const stateDir = process.env.AMLVNET_TEST_STATE_DIR as string;
    const leftFiles = [...filesUnder(stateDir), ...filesUnder(dir).filter((file) => file !== logFile)];
    const contents: [string, Buffer][] = [...vmFiles.entries(), ...leftFiles.map((file): [string, Buffer] => [file, readFileSync(file)])];
    assert.ok(leftFiles.every((file) => statSync(file).isFile()));
    for (const [file, content] of contents) {
      for (const secret of secrets.flatMap(forms)) assert.ok(!content.includes(secret), `${file} holds a secret`);
    }
  });

  it("nowhere in the request log: the extension's protectedSettings, which carry the PAT, are logged redacted", () => {
    const entries = readLog(logFile);
    const extensionPuts = entries.filter((e) => e.method === "PUT" && /\/extensions\/amlvnet-agent\?/.test(e.path));
    assert.ok(extensionPuts.length >= 2, `${extensionPuts.length} extension PUTs`);
    const content = readFileSync(logFile, "utf8");
    for (const secret of secrets.flatMap(forms)) assert.ok(!content.includes(secret), "the request log holds a secret");
    for (const entry of extensionPuts)
      assert.deepEqual(withoutProtectedSettings(entry.body ?? "").protectedSettings, ['"[redacted]"'], `${entry.path} logs protectedSettings redacted`);
  });
});
