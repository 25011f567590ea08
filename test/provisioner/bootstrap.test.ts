import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapFor, bootstrapKinds } from "../../provisioner/bootstrap/agent-bootstrap";
import { agentScript, commandToExecute } from "../../provisioner/bootstrap/agent-script";
import { hostKeysInSerialLog } from "../../provisioner/bootstrap/ssh/host-keys";
import { mapSettledLimited } from "../../provisioner/concurrency";
import { ProvisionerInputError } from "../../provisioner/errors";

const PAT = "pat-abc-'quoted'-123";

describe("provisioner bootstrap: the registry and the agent script", () => {
  it("has extension and ssh, and refuses an unknown kind naming the known ones", () => {
    assert.deepEqual(bootstrapKinds(), ["extension", "ssh"]);
    assert.equal(bootstrapFor("extension").kind, "extension");
    assert.throws(
      () => bootstrapFor("winrm"),
      (e: Error) => e instanceof ProvisionerInputError && e.message === "bootstrap 'winrm' is not known; use one of extension, ssh",
    );
  });

  it("reads the host keys cloud-init printed on the serial console, strongest first, from the last boot", () => {
    const block = (ed: string) => [
      "<14>Nov 23 18:12:20 ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----",
      "<14>Nov 23 18:12:20 ec2: 256 SHA256:ORBLhrY3VaBBI5aZ2jjI8uNmGShxTL5+A+3Ea4QlfHA root@vm1 (ED25519)",
      "<14>Nov 23 18:12:20 ec2: -----END SSH HOST KEY FINGERPRINTS-----",
      "-----BEGIN SSH HOST KEY KEYS-----",
      "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY= root@vm1",
      `ssh-ed25519 ${ed} root@vm1`,
      "-----END SSH HOST KEY KEYS-----",
    ];
    const log = [
      "[    0.000000] Linux version 5.15.0-1057-azure",
      ...block("AAAAC3NzaC1lZDI1NTE5AAAAIOLD"),
      "reboot",
      ...block("AAAAC3NzaC1lZDI1NTE5AAAAINEW"),
      "Ubuntu 22.04.4 LTS vm1 ttyS0",
    ].join("\r\n");
    assert.deepEqual(hostKeysInSerialLog(log), [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINEW",
      "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=",
    ]);
    assert.deepEqual(hostKeysInSerialLog("[    0.000000] Linux version 5.15.0\n-----BEGIN SSH HOST KEY KEYS-----\n"), [], "an unfinished block is no key");
  });

  it("runs config.sh with the PAT only in its environment, in no argv of it or its ancestors, and leaves no file holding it", function () {
    if (process.platform === "win32") this.skip();
    const dir = mkdtempSync(join(tmpdir(), "amlvnet-script-"));
    try {
      const agentDir = join(dir, "agent");
      const log = join(dir, "calls.log");
      // A stand-in agent package: config.sh and svc.sh record their argv and whether the token reached them.
      spawnSync("mkdir", ["-p", agentDir]);
      // It also records its ancestors' argv: the shell that received the command must have exec'd the script away.
      const ancestors = `pid=$PPID; while [ "$pid" -gt 1 ]; do tr '\\0' ' ' < /proc/$pid/cmdline >> ${log}.ancestors; echo >> ${log}.ancestors; pid=$(awk '{print $4}' /proc/$pid/stat); done\n`;
      const fake = `#!/bin/bash\necho "$(basename "$0") $* token=\${VSTS_AGENT_INPUT_TOKEN:+set}" >> ${log}\n${ancestors}[ "$(basename "$0")" = config.sh ] && touch .agent\n[ "$1" = install ] && touch .service\nexit 0\n`;
      for (const name of ["config.sh", "svc.sh"]) {
        writeFileSync(join(agentDir, name), fake);
        chmodSync(join(agentDir, name), 0o755);
      }
      const script = agentScript({
        organizationUrl: "https://dev.azure.com/contoso",
        pool: "aml private",
        agentName: "vm-1",
        downloadUrl: "https://example.invalid/agent.tar.gz",
        runAs: "nobody-here",
      });
      const command = commandToExecute(script, PAT);
      const run = () => spawnSync("sh", ["-c", command], { cwd: dir, env: { PATH: process.env.PATH ?? "", AMLVNET_AGENT_DIR: agentDir }, encoding: "utf8" });
      const first = run();
      assert.equal(first.status, 0, first.stderr);
      const calls = readFileSync(log, "utf8");
      assert.match(
        calls,
        /^config\.sh --unattended --url https:\/\/dev\.azure\.com\/contoso --auth pat --pool aml private --agent vm-1 --replace --acceptTeeEula --work _work token=set$/m,
      );
      assert.match(calls, /^svc\.sh install token=$/m, "the token is unset before the service starts");
      assert.match(calls, /^svc\.sh start token=$/m);
      assert.ok(!calls.includes(PAT) && !script.includes(PAT));
      const ancestry = readFileSync(`${log}.ancestors`, "utf8");
      assert.match(ancestry, /amlvnet-agent/, "the ancestors were recorded");
      assert.ok(!ancestry.includes("pat-abc"), `an ancestor of config.sh holds the PAT in its argv:\n${ancestry}`);
      const files = spawnSync("grep", ["-rl", "pat-abc", dir], { encoding: "utf8" }).stdout.trim();
      assert.equal(files, "", "no file holds the PAT");
      // A re-run (the extension again after a failure) neither configures nor installs twice.
      assert.equal(run().status, 0);
      const again = readFileSync(log, "utf8").slice(calls.length);
      assert.deepEqual(again.trim().split("\n"), ["svc.sh start token="]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("works on agents with at most the given concurrency and reports every failure", async () => {
    let running = 0;
    let peak = 0;
    const results = await mapSettledLimited([1, 2, 3, 4, 5, 6, 7, 8, 9], 4, async (n) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (n % 4 === 0) throw new Error(`agent ${n} failed`);
      return n;
    });
    assert.equal(peak, 4);
    assert.deepEqual(results.filter((r) => r.status === "rejected").length, 2);
  });
});
