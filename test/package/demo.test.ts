import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `npm run demo` after the build, as a new user runs it (its sandbox in its own state dir). */
describe("npm run demo", function () {
  this.timeout(240_000);
  let stateDir: string;
  before(() => {
    stateDir = mkdtempSync(join(tmpdir(), "amlvnet-demo-state-"));
  });
  after(() => rmSync(stateDir, { recursive: true, force: true }));

  it("tells the whole story, including the probe from inside the agent VNet (DNS and TCP, all passing)", async () => {
    const child = spawn(process.execPath, ["scripts/demo.js", "--state-dir", stateDir], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, "exit")) as [number];
    assert.equal(code, 0, `${stdout.slice(-3000)}\n${stderr}`);
    assert.match(stdout, /Demo complete: the check found the faults, apply repaired them/);
    const probe = stdout.slice(stdout.indexOf("=== 2b."), stdout.indexOf("=== 3."));
    assert.match(
      probe,
      /\$ node build\/scripts\/demo\/probe-from-agent\.js --workspace …\/mlw-secure --agent-vnet …\/vnet-bastion --dns-server 127\.0\.0\.1:\d+/,
    );
    assert.match(probe, /10\.10\.2\.4:443 +-> 127\.0\.0\.1:\d+ +\(pe-mlw-secure\)/);
    const ok = probe.match(/^ {2}ok {4}.*$/gm) ?? [];
    assert.ok(
      ok.some((line) => /the agent connects to kv-mlw-secure\.vault\.azure\.net at 10\.10\.2\.9:443/.test(line)),
      probe,
    );
    assert.ok(
      ok.some((line) => /stmlwsecure\.blob\.core\.windows\.net resolves to 10\.10\.2\.7/.test(line)),
      probe,
    );
    assert.ok(ok.length >= 16, probe);
    assert.doesNotMatch(probe, /^ {2}FAIL/m);
    assert.match(probe, /READY: 0 errors, 0 warnings \(\d+ checks passed\)/);
    assert.doesNotMatch(stdout, /expected \d\)/);
  });
});
