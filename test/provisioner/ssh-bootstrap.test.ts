import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { utils } from "ssh2";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { agentsInPool, orphans } from "./end-state";
import { amlvnet, minimalConfig, readLog, resourceSet, startRealAgentSandbox, writeConfig, writesIn } from "./harness";

describe("amlvnet apply with bootstrap: ssh (through the sandbox's jump host, host keys pinned from boot diagnostics)", function () {
  this.timeout(120_000);
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  let dir: string;
  let logFile: string;
  let config: string;
  let initial: string[];
  const vmId = (name: string) =>
    `/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-agents/providers/Microsoft.Compute/virtualMachines/${name}`;

  before(async () => {
    const started = await startRealAgentSandbox();
    ({ sandbox, dir, logFile } = started);
    env = started.env;
    const pair = utils.generateKeyPairSync("ed25519", { comment: "amlvnet@test" });
    writeFileSync(join(dir, "deploy_key"), pair.private, { mode: 0o600 });
    writeFileSync(join(dir, "deploy_key.pub"), pair.public + "\n");
    // The jump VM in the hub was built by the platform team with this deployment key in its authorized_keys.
    sandbox.ssh?.authorizeOnJumpHost(pair.public);
    const base = minimalConfig(sandbox, 2) as { vm: Record<string, unknown> };
    config = writeConfig(dir, "agents-ssh.yaml", { ...base, vm: { ...base.vm, sshPublicKeyFile: "./deploy_key.pub" }, bootstrap: "ssh" });
    initial = resourceSet(sandbox);
  });
  after(() => sandbox.close());

  it("refuses, before writing anything, a jump host that presents another key than the pinned one", async () => {
    const offset = readLog(logFile).length;
    const impostor = utils.generateKeyPairSync("ed25519").public;
    const run = await amlvnet(["apply", "-f", config], { ...env, AMLVNET_SSH_JUMP_HOST_KEY: impostor });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(
      run.stderr.trim(),
      /^amlvnet: ssh\.jumpHost: the jump host 127\.0\.0\.1:\d+ presented a host key other than ssh\.jumpHostKey: refusing to connect/,
    );
    assert.deepEqual(writesIn(readLog(logFile).slice(offset)), []);
  });

  it("installs the agents over SSH as the admin user through sudo: online, ready, no extension and no PAT in any request", async () => {
    const run = await amlvnet(["apply", "-f", config, "--poll-interval", "0.1", "--timeout", "1"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /installed agent software vm-aml-private-1 \(ssh\)|agent software vm-aml-private-1 \(ssh\)/);
    assert.match(run.stdout, /^READY/m);
    assert.deepEqual(agentsInPool(sandbox, "aml-private"), ["vm-aml-private-1 online", "vm-aml-private-2 online"]);
    assert.deepEqual(orphans(sandbox), []);
    assert.equal(
      sandbox.arm.store.resources().filter((r) => r.type === "Microsoft.Compute/virtualMachines/extensions").length,
      0,
      "no Custom Script extension",
    );
    const pat = sandbox.env.AZURE_DEVOPS_EXT_PAT;
    assert.ok(!readLog(logFile).some((e) => (e.body ?? "").includes(pat)), "the PAT travels over SSH only");
    for (const name of ["vm-aml-private-1", "vm-aml-private-2"]) {
      const commands = sandbox.vmAgent.commands(vmId(name)).map((c) => c.argv.join(" "));
      assert.ok(
        commands.some((argv) => /^sudo -n bash -c /.test(argv)),
        commands.join("\n"),
      );
      assert.ok(
        commands.some((argv) => /config\.sh --unattended/.test(argv)),
        commands.join("\n"),
      );
      for (const argv of commands) assert.ok(!argv.includes(pat), argv);
    }
  });

  it("a second apply writes nothing and connects to no VM (the agents are online)", async () => {
    const offset = readLog(logFile).length;
    const before = sandbox.vmAgent.commands(vmId("vm-aml-private-1")).length;
    const run = await amlvnet(["apply", "-f", config, "--poll-interval", "0.1", "--timeout", "1"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(
      writesIn(readLog(logFile).slice(offset)).map((e) => `${e.method} ${e.path}`),
      [],
    );
    assert.equal(sandbox.vmAgent.commands(vmId("vm-aml-private-1")).length, before);
  });

  it("destroy returns the sandbox to where it was", async () => {
    const run = await amlvnet(["destroy", "-f", config, "--yes"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(resourceSet(sandbox), initial);
    assert.equal(sandbox.devops.findPoolByName("aml-private"), undefined);
  });
});
