import assert from "node:assert/strict";
import { ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { Resolver } from "node:dns/promises";
import * as dnsPacket from "dns-packet";
import { envFileText } from "../../cli/commands/sandbox-env-file";
import { connectSsh, newKeyPair, pinnedTo } from "../helpers/ssh-client";

const CLI = "build/cli/main.js";
const run = promisify(execFile);

interface Ready {
  ready: true;
  armEndpoint: string;
  dnsServer: string;
  scenario?: { name: string; workspaceId: string; amlVnetId: string; agentVnetId: string; hubSubscriptionId?: string };
  env: Record<string, string>;
}

async function startCli(args: string[]): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(process.execPath, [CLI, "sandbox", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [first] = (await once(lines, "line")) as [string];
  lines.close();
  return { child, ready: JSON.parse(first) as Ready };
}

async function stop(child: ChildProcess): Promise<number> {
  child.kill("SIGTERM");
  const [code] = (await once(child, "exit")) as [number];
  return code;
}

describe("amlvnet sandbox: the env file, the ready line, DNS and hygiene", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "amlvnet-sandbox-env-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("env file lines are bash words: values with spaces and quotes come back exactly after 'source'", async () => {
    const file = join(dir, "quoting.env");
    const tricky = { A: "two words", B: 'it\'s "quoted" $HOME `x`', C: "ssh-ed25519 AAAA key" };
    writeFileSync(file, envFileText(tricky));
    const { stdout } = await run("bash", ["-c", `source ${file} && printf '%s\\n' "$A" "$B" "$C"`]);
    assert.equal(stdout, `${tricky.A}\n${tricky.B}\n${tricky.C}\n`);
  });

  it("--env-out: source it in bash (no other environment) and amlvnet check reaches the scenario it names; DNS answers as in the agent VNet", async () => {
    const envFile = join(dir, "sandbox.env");
    const { child, ready } = await startCli([
      "--scenario",
      "reference",
      "--state-dir",
      String(process.env.AMLVNET_TEST_STATE_DIR),
      "--env-out",
      envFile,
      "--no-run-extensions",
    ]);
    try {
      assert.equal(statSync(envFile).mode & 0o777, 0o600, "the env file holds secrets");
      assert.equal(ready.scenario?.name, "reference");
      assert.match(ready.scenario?.workspaceId ?? "", /\/workspaces\/mlw-secure$/);
      assert.match(ready.scenario?.agentVnetId ?? "", /\/virtualNetworks\/vnet-bastion$/);
      assert.match(ready.scenario?.amlVnetId ?? "", /\/virtualNetworks\/vnet-aml$/);
      assert.match(ready.dnsServer, /^127\.0\.0\.1:\d+$/);
      const text = readFileSync(envFile, "utf8");
      assert.match(text, /^export AMLVNET_SSH_JUMP_HOST_KEY=|^export AZURE_CLIENT_SECRET='/m);
      const script = `source '${envFile}' && node ${CLI} check --workspace "$AMLVNET_SANDBOX_WORKSPACE_ID" --agent-vnet "$AMLVNET_SANDBOX_AGENT_VNET_ID" -o json`;
      const { stdout } = await run("bash", ["-c", script], { env: { PATH: process.env.PATH ?? "" } });
      assert.equal(JSON.parse(stdout).ready, true);

      // DNS: a workspace storage name resolves (through the privatelink CNAME) to its endpoint's private IP.
      const resolver = new Resolver({ timeout: 2000, tries: 1 });
      resolver.setServers([ready.dnsServer]);
      const blob = "stmlwsecure.blob.core.windows.net";
      const [ip] = await resolver.resolve4(blob);
      assert.match(ip, /^10\.10\./);
      assert.deepEqual(await resolver.resolveCname(blob), ["stmlwsecure.privatelink.blob.core.windows.net"]);
      await assert.rejects(resolver.resolve4("nothing-here.privatelink.blob.core.windows.net"), { code: "ENOTFOUND" });
      // The same over TCP (length-prefixed), as resolvers do for large answers.
      const socket = new Socket();
      await new Promise<void>((r) => socket.connect(Number(ready.dnsServer.split(":")[1]), "127.0.0.1", r));
      socket.write(dnsPacket.streamEncode({ type: "query", id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name: blob }] }));
      const [chunk] = (await once(socket, "data")) as [Buffer];
      socket.destroy();
      const answer = dnsPacket.streamDecode(chunk);
      assert.deepEqual(
        answer.answers?.filter((a) => a.type === "A").map((a) => (a as { data?: unknown }).data),
        [ip],
      );
    } finally {
      assert.equal(await stop(child), 0);
    }
  });

  it("README's two-shell recipe works as written (npx amlvnet = the built CLI)", async () => {
    const readme = readFileSync("README.md", "utf8");
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
    const first = blocks.find((b) => b.includes("--env-out sandbox.env")) ?? assert.fail("README has no --env-out recipe");
    const second = blocks.find((b) => b.startsWith("source sandbox.env")) ?? assert.fail("README has no 'source sandbox.env' block");
    const startArgs = (/npx amlvnet sandbox (.*)$/m.exec(first)?.[1] ?? "").split(" ");
    const cli = join(process.cwd(), CLI);
    const child = spawn(process.execPath, [cli, "sandbox", ...startArgs, "--state-dir", String(process.env.AMLVNET_TEST_STATE_DIR), "--no-run-extensions"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), "line");
      // The first two commands of the second shell, exactly (the probe line leaves loopback: not run here).
      const commands = second
        .split("\n")
        .slice(0, 2)
        .join("\n")
        .replace(/npx amlvnet/g, `node ${cli}`);
      const { stdout } = await run("bash", ["-c", commands], { cwd: dir, env: { PATH: process.env.PATH ?? "" } });
      assert.match(stdout, /^READY: 0 errors/m);
    } finally {
      assert.equal(await stop(child), 0);
    }
  });

  it("--state-dir that cannot be created: exit 2 with one line, at once", async () => {
    const started = Date.now();
    const result = await run(process.execPath, [CLI, "sandbox", "--state-dir", "/proc/nope"]).then(
      () => assert.fail("should fail"),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split("\n").length, 1);
    assert.match(result.stderr, /--state-dir \/proc\/nope cannot be used/);
    assert.ok(Date.now() - started < 10_000);
  });

  it("--ssh-authorized-key: the jump host accepts that key before any VM exists; the VMs' directory is removed on exit", async () => {
    const key = newKeyPair("first-hour");
    const keyFile = join(dir, "id.pub");
    writeFileSync(keyFile, key.publicKey + "\n");
    // A state directory inside a 0700 directory, as mktemp -d makes one.
    const privateParent = join(dir, "private");
    mkdirSync(privateParent, { mode: 0o700 });
    const stateDir = join(privateParent, "state");
    const { child, ready } = await startCli(["--state-dir", stateDir, "--ssh-authorized-key", keyFile]);
    const port = new URL(ready.armEndpoint).port;
    const vmsUnderState = join(stateDir, "vms", port);
    try {
      const [host, jumpPort] = ready.env.AMLVNET_SSH_JUMP_HOST.split(":");
      const connect = (privateKey: string) =>
        connectSsh({ host, port: Number(jumpPort), username: "azureuser", privateKey, hostVerifier: pinnedTo(ready.env.AMLVNET_SSH_JUMP_HOST_KEY) });
      await assert.rejects(connect(newKeyPair("stranger").privateKey), /authentication/i, "a key nobody authorized is refused");
      (await connect(key.privateKey)).end();
    } finally {
      assert.equal(await stop(child), 0);
    }
    assert.ok(!existsSync(vmsUnderState), `${vmsUnderState} is removed on exit`);
    assert.ok(!existsSync(join(tmpdir(), `amlvnet-sandbox-vms-${process.getuid?.() ?? 0}`, "vms", port)), "and so is the fallback place");
  });
});
