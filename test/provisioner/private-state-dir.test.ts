import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { amlvnet, SSH_KEY, writeConfig } from "./harness";

/**
 * `amlvnet sandbox --state-dir "$(mktemp -d)/state"` started from a shell with `umask 077`: the state directory's
 * parent is 0700 and every directory the sandbox makes would be 0700 too. The VM extension scripts run as another
 * user when the sandbox is root (setpriv to nobody), so they must still reach their VM's disk; `apply` brings an
 * agent online. Before, every extension failed with "Permission denied".
 */
describe("a sandbox whose --state-dir is inside a 0700 directory, started under umask 077", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "amlvnet-private-parent-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the agent extension (as the stand-in user when root) and apply brings the agent online", async () => {
    assert.equal(statSync(dir).mode & 0o777, 0o700, "mkdtemp makes a 0700 directory, as mktemp -d does");
    const stateDir = join(dir, "state");
    const child = spawn(
      "bash",
      ["-c", 'umask 077 && exec "$@"', "bash", process.execPath, "build/cli/main.js", "sandbox", "--scenario", "reference", "--state-dir", stateDir],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
      const ready = JSON.parse(line) as { armEndpoint: string; scenario: { workspaceId: string }; env: Record<string, string> };
      writeFileSync(join(dir, "id_ed25519.pub"), SSH_KEY + "\n");
      const config = writeConfig(dir, "agents.yaml", {
        subscription: ready.env.AZURE_SUBSCRIPTION_ID,
        resourceGroup: "rg-agents",
        location: "westeurope",
        workspace: ready.scenario.workspaceId,
        network: { vnet: { name: "vnet-agents", addressSpace: "10.30.0.0/16" }, subnet: { name: "snet-agents", prefix: "10.30.1.0/24" } },
        pool: { name: "aml-private", mode: "vms", count: 1 },
        vm: { size: "Standard_D2s_v5", adminUser: "azureuser", sshPublicKeyFile: "./id_ed25519.pub" },
        bootstrap: "extension",
      });
      const run = await amlvnet(["apply", "-f", config, "--poll-interval", "0.2", "--timeout", "1"], ready.env);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /agents online in aml-private: 1\/1/);
      const port = new URL(ready.armEndpoint).port;
      // Root drops to a stand-in user, who cannot pass the 0700 parent: the VMs' disks are kept elsewhere, reachable.
      if (process.getuid?.() === 0) assert.equal(existsSync(join(stateDir, "vms", port)), false, "no VM disk inside the 0700 parent");
    } finally {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    }
    assert.equal(child.exitCode, 0);
  });
});
