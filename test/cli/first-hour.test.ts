import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, offAzureEnv, Run } from "../helpers/cli";
import { type ReferenceIds, startReferenceSandbox } from "../readiness/helpers";

/** One line on stderr, nothing on stdout, the given exit code. */
function oneLineError(run: Run, code: number, pattern: RegExp): void {
  assert.equal(run.code, code, run.stderr);
  assert.equal(run.stdout, "");
  assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  assert.match(run.stderr, pattern);
}

describe("the first hour with amlvnet: errors name the real cause, one exit-code table, one output convention", () => {
  let sandbox: RunningSandbox;
  let ids: ReferenceIds;
  let env: Record<string, string>;
  let dir: string;
  let check: string[];
  let config: string;
  before(async () => {
    ({ sandbox, ids } = await startReferenceSandbox());
    env = offAzureEnv(sandbox);
    dir = mkdtempSync(join(tmpdir(), "amlvnet-first-hour-"));
    check = ["check", "--workspace", ids.workspaceId, "--agent-vnet", ids.agentVnetId];
    config = join(dir, "agents.yaml");
    writeFileSync(join(dir, "id.pub"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB5sandboxkey agent\n");
    writeFileSync(
      config,
      [
        `subscription: ${sandbox.env.AZURE_SUBSCRIPTION_ID}`,
        "resourceGroup: rg-agents",
        "location: westeurope",
        `workspace: ${ids.workspaceId}`,
        "network:",
        "  vnet: { name: vnet-agents, addressSpace: 10.30.0.0/16 }",
        "  subnet: { name: snet-agents, prefix: 10.30.1.0/24 }",
        "pool: { name: aml-private, mode: vms, count: 1 }",
        "vm: { size: Standard_D2s_v5, adminUser: azureuser, sshPublicKeyFile: ./id.pub }",
      ].join("\n"),
    );
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("authentication and endpoints", () => {
    it("an untrusted CA: names the certificate and NODE_EXTRA_CA_CERTS, not the credential variables", async () => {
      const { NODE_EXTRA_CA_CERTS: _ca, ...untrusted } = env;
      const run = await amlvnet(check, untrusted);
      oneLineError(run, 2, /certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted .*NODE_EXTRA_CA_CERTS/);
      assert.doesNotMatch(run.stderr, /set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET/);
      // status asks Azure DevOps first: the same cause, named for AZURE_DEVOPS_ORG_URL's host.
      oneLineError(
        await amlvnet(["status", "-f", config], untrusted),
        2,
        /certificate of https:\/\/127\.0\.0\.1:\d+\/sandbox-org is not trusted .*NODE_EXTRA_CA_CERTS/,
      );
    });

    it("NODE_EXTRA_CA_CERTS naming a missing file, or a file without the sandbox's CA: says which", async () => {
      const missing = await amlvnet(check, { ...env, NODE_EXTRA_CA_CERTS: join(dir, "nope.pem") });
      assert.equal(missing.code, 2, missing.stderr);
      // Node warns first ("Ignoring extra certs from ..."); amlvnet's own line is the last.
      assert.match(
        missing.stderr.trim().split("\n").pop() ?? "",
        /^amlvnet: .*not trusted .*NODE_EXTRA_CA_CERTS is \S*nope\.pem, which cannot be read \(ENOENT\)/,
      );
      oneLineError(
        await amlvnet(check, { ...env, NODE_EXTRA_CA_CERTS: config }),
        2,
        /not trusted .*NODE_EXTRA_CA_CERTS \(\S*agents\.yaml\) does not hold the CA that issued it/,
      );
    });

    it("exits as soon as the error is printed (no SDK timer holding the prompt for 15 s)", async () => {
      const { NODE_EXTRA_CA_CERTS: _ca, ...untrusted } = env;
      const child = spawn(process.execPath, ["build/cli/main.js", ...check], {
        env: { PATH: process.env.PATH ?? "", ...untrusted },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let printed = 0;
      child.stderr.once("data", () => (printed = Date.now()));
      const [code] = (await once(child, "exit")) as [number];
      assert.equal(code, 2);
      assert.ok(printed > 0 && Date.now() - printed < 5000, `exited ${Date.now() - printed} ms after the error line`);
    });

    it("a wrong tenant: AADSTS90002 and AZURE_TENANT_ID", async () => {
      oneLineError(
        await amlvnet(check, { ...env, AZURE_TENANT_ID: "11111111-1111-1111-1111-111111111111" }),
        2,
        /AADSTS90002: Tenant '11111111-1111-1111-1111-111111111111' not found.*Check AZURE_TENANT_ID/,
      );
    });

    it("an unreachable authority host: names AZURE_AUTHORITY_HOST and the connection error", async () => {
      oneLineError(
        await amlvnet(check, { ...env, AZURE_AUTHORITY_HOST: "https://127.0.0.1:1" }),
        2,
        /cannot reach https:\/\/127\.0\.0\.1:1 \(AZURE_AUTHORITY_HOST\): connect ECONNREFUSED/,
      );
    });

    it("a wrong secret and an unknown client: their AADSTS codes and the variable to fix", async () => {
      oneLineError(await amlvnet(check, { ...env, AZURE_CLIENT_SECRET: "not-the-secret" }), 2, /AADSTS7000215.*Check AZURE_CLIENT_SECRET/);
      oneLineError(await amlvnet(check, { ...env, AZURE_CLIENT_ID: "22222222-2222-2222-2222-222222222222" }), 2, /AADSTS700016.*Check AZURE_CLIENT_ID/);
    });

    it("one variable missing: names it", async () => {
      const { AZURE_CLIENT_SECRET: _secret, ...partial } = env;
      oneLineError(await amlvnet(check, partial), 2, /AZURE_CLIENT_SECRET is not set/);
    });

    it("an unreachable ARM endpoint: check and apply both name AMLVNET_ARM_ENDPOINT and exit 2", async () => {
      const unreachable = { ...env, AMLVNET_ARM_ENDPOINT: "https://127.0.0.1:1" };
      oneLineError(await amlvnet(check, unreachable), 2, /cannot reach https:\/\/127\.0\.0\.1:1 \(AMLVNET_ARM_ENDPOINT\): connect ECONNREFUSED/);
      for (const command of ["plan", "apply"]) {
        const run = await amlvnet([command, "-f", config], unreachable);
        assert.equal(run.code, 2, `${command}: ${run.stderr}`);
        assert.match(run.stderr, /cannot reach https:\/\/127\.0\.0\.1:1 \(AMLVNET_ARM_ENDPOINT\)/);
      }
    });
  });

  describe("conventions", () => {
    it("an endpoint setting that is not a URL is named; --debug adds the stack trace", async () => {
      oneLineError(await amlvnet(check, { ...env, AMLVNET_ARM_ENDPOINT: "management" }), 2, /^amlvnet: AMLVNET_ARM_ENDPOINT 'management' is not a URL/);
      const debug = await amlvnet(["check", "--debug"], env);
      assert.equal(debug.code, 2);
      assert.match(debug.stderr, /^amlvnet: --workspace is required.*\n.*Error.*\n\s+at /);
    });

    it("--version prints the package version", async () => {
      const run = await amlvnet(["--version"], {});
      const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
      assert.deepEqual([run.code, run.stdout], [0, `amlvnet ${version}\n`]);
    });

    it("no command: the help on stderr and exit 2; --help: stdout and exit 0", async () => {
      const bare = await amlvnet([], {});
      assert.deepEqual([bare.code, bare.stdout], [2, ""]);
      assert.match(bare.stderr, /^Usage: amlvnet <command>/);
      const help = await amlvnet(["--help"], {});
      assert.deepEqual([help.code, help.stderr], [0, ""]);
      assert.match(help.stdout, /Exit codes: 0 done/);
    });

    it("a negative number is one line naming the flag; plan --yes and status --count are refused", async () => {
      oneLineError(
        await amlvnet(["apply", "-f", "x.yaml", "--parallel", "-1"], {}),
        2,
        /^amlvnet: --parallel must be a whole number from 1 to 64, got '-1'\n$/,
      );
      oneLineError(await amlvnet([...check, "--fail-on", "-3"], env), 2, /--fail-on must be one of error, warning, never, got '-3'/);
      oneLineError(await amlvnet(["plan", "-f", "x.yaml", "--yes"], {}), 2, /--yes confirms destroy; plan changes nothing/);
      oneLineError(await amlvnet(["status", "-f", "x.yaml", "--count", "3"], {}), 2, /Unknown option '--count'/);
    });

    it("--out-file in a directory that is not there: one line before any work, exit 2 (check and status)", async () => {
      const message =
        /^amlvnet: --out-file \/nonexistent-amlvnet-dir\/report cannot be written \(ENOENT on \/nonexistent-amlvnet-dir\): give a file in an existing directory/;
      oneLineError(await amlvnet([...check, "--out-file", "/nonexistent-amlvnet-dir/report"], env), 2, message);
      oneLineError(await amlvnet(["status", "-f", config, "--out-file", "/nonexistent-amlvnet-dir/report"], env), 2, message);
    });

    it("--dns-server without --probe is refused", async () => {
      oneLineError(await amlvnet([...check, "--dns-server", "127.0.0.1"], env), 2, /--dns-server only matters with --probe/);
    });

    it("-o/--output is the format (--format its alias), --out-file the file; check --output FILE still works, with a warning", async () => {
      const json = await amlvnet([...check, "-o", "json"], env);
      assert.equal(JSON.parse(json.stdout).ready, true);
      assert.equal((await amlvnet([...check, "--format", "json"], env)).stdout, json.stdout);
      const file = join(dir, "report.md");
      const md = await amlvnet([...check, "--output", "markdown", "--out-file", file], env);
      assert.match(md.stdout, /^READY/);
      assert.match(readFileSync(file, "utf8"), /^#/m);
      const legacy = join(dir, "legacy.json");
      const old = await amlvnet([...check, "--format", "json", "--output", legacy], env);
      assert.equal(old.code, 0, old.stderr);
      assert.match(old.stderr, /--output FILE is deprecated: write --out-file/);
      assert.equal(JSON.parse(readFileSync(legacy, "utf8")).ready, true);
      oneLineError(await amlvnet([...check, "-o", "json", "--format", "text"], env), 2, /same option; give one/);
    });

    it("text is coloured on a terminal unless NO_COLOR is set, and plain when piped", async () => {
      const onTty = async (extra: Record<string, string>): Promise<string> => {
        const command = ["node", "build/cli/main.js", ...check].map((a) => `'${a}'`).join(" ");
        const { stdout } = await promisify(execFile)("script", ["-qec", command, "/dev/null"], { env: { PATH: process.env.PATH ?? "", ...env, ...extra } });
        return stdout;
      };
      // ESC built at run time: no-control-regex refuses a control character in a regex literal.
      const sgr = (rest: string) => new RegExp(`${String.fromCharCode(27)}\\[${rest}`);
      assert.match(await onTty({}), sgr("1;32mREADY"));
      assert.doesNotMatch(await onTty({ NO_COLOR: "1" }), sgr(""));
      assert.doesNotMatch((await amlvnet(check, env)).stdout, sgr(""));
    });
  });
});
