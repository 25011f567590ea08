import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { NetworkManagementClient } from "@azure/arm-network";
import { ClientSecretCredential } from "@azure/identity";

const CLI = "build/cli/main.js";

describe("amlvnet sandbox (the command)", () => {
  it("prints exactly one ready line whose env reaches the reference topology, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [CLI, "sandbox", "--scenario", "reference", "--state-dir", String(process.env.AMLVNET_TEST_STATE_DIR)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout });
    const [first] = (await once(lines, "line")) as [string];
    const ready = JSON.parse(first);
    assert.equal(ready.ready, true);
    assert.match(ready.armEndpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(
      Object.keys(ready.env).sort(),
      [
        "AMLVNET_AGENT_DOWNLOAD_URL",
        "AMLVNET_ARM_ENDPOINT",
        "AMLVNET_SSH_JUMP_HOST",
        "AMLVNET_SSH_JUMP_HOST_KEY",
        "AZURE_AUTHORITY_HOST",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_DEVOPS_EXT_PAT",
        "AZURE_DEVOPS_ORG_URL",
        "AZURE_SUBSCRIPTION_ID",
        "AZURE_TENANT_ID",
        "AMLVNET_WIF_SERVICE_CONNECTION_ID",
        "ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN",
        "NODE_EXTRA_CA_CERTS",
        "SYSTEM_OIDCREQUESTURI",
      ].sort(),
    );
    assert.equal(ready.env.NODE_EXTRA_CA_CERTS, process.env.NODE_EXTRA_CA_CERTS, "the CA in --state-dir is reused, so this process already trusts it");

    const credential = new ClientSecretCredential(ready.env.AZURE_TENANT_ID, ready.env.AZURE_CLIENT_ID, ready.env.AZURE_CLIENT_SECRET, {
      authorityHost: ready.env.AZURE_AUTHORITY_HOST,
      disableInstanceDiscovery: true,
    });
    const network = new NetworkManagementClient(credential, ready.env.AZURE_SUBSCRIPTION_ID, { endpoint: ready.env.AMLVNET_ARM_ENDPOINT });
    const vnets: string[] = [];
    for await (const v of network.virtualNetworks.listAll()) vnets.push(v.name as string);
    assert.deepEqual(vnets.sort(), ["vnet-aml", "vnet-bastion"]);
    const endpoints: string[] = [];
    for await (const e of network.privateEndpoints.listBySubscription()) endpoints.push(e.name as string);
    assert.equal(endpoints.length, 5);

    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number];
    assert.equal(code, 0);
    lines.close();
  });

  it("refuses a bad flag with one line naming it and exit code 2", async () => {
    const child = spawn(process.execPath, [CLI, "sandbox", "--fault-rate", "2"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, "exit")) as [number];
    assert.equal(code, 2);
    assert.equal(stderr.trim().split("\n").length, 1);
    assert.match(stderr, /--fault-rate must be a number from 0 to 1, got '2'/);
  });
});

describe("amlvnet sandbox -o/--output and --out-file", () => {
  const stateDir = String(process.env.AMLVNET_TEST_STATE_DIR);

  it("-o text: readable lines with the endpoints, IDs and env, every secret hidden", async () => {
    const child = spawn(process.execPath, [CLI, "sandbox", "--scenario", "reference", "-o", "text", "--state-dir", stateDir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout });
    const seen: string[] = [];
    for await (const line of lines) {
      seen.push(line);
      if (line.startsWith("Serving until")) break;
    }
    child.kill("SIGTERM");
    assert.deepEqual(await once(child, "exit"), [0, null]);
    const text = seen.join("\n");
    assert.match(text, /^amlvnet sandbox ready \(scenario reference\)$/m);
    assert.match(text, /^ {2}Entra ID, ARM, Azure DevOps, AML: +https:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(text, /^ {2}DNS \(Azure DNS as seen in vnet-bastion\): +127\.0\.0\.1:\d+$/m);
    assert.match(text, /^ {2}agent VNet: +\/subscriptions\/.*\/virtualNetworks\/vnet-bastion$/m);
    for (const secret of ["AZURE_CLIENT_SECRET", "AZURE_DEVOPS_EXT_PAT", "ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN"])
      assert.match(text, new RegExp(`^  ${secret}=\\*\\*\\*$`, "m"));
    assert.match(text, /^ {2}AZURE_TENANT_ID=[0-9a-f-]{36}$/m);
    assert.doesNotMatch(text, /^\{/m, "no JSON line");
  });

  it("--format json --out-file FILE: the ready line in FILE (mode 0600), nothing on stdout; a format it lacks is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "amlvnet-sandbox-out-"));
    try {
      const file = join(dir, "ready.json");
      const child = spawn(process.execPath, [CLI, "sandbox", "--format", "json", "--out-file", file, "--state-dir", stateDir], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      const [line] = (await once(createInterface({ input: child.stderr }), "line")) as [string];
      assert.match(line, /^amlvnet sandbox: ready at https:\/\/127\.0\.0\.1:\d+; the json ready output is in /);
      const ready = JSON.parse(readFileSync(file, "utf8"));
      assert.equal(ready.ready, true);
      assert.match(ready.endpointListeners, /^https:\/\/127\.0\.0\.1:\d+\/_sandbox\/private-endpoint-listeners$/);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      child.kill("SIGTERM");
      assert.deepEqual(await once(child, "exit"), [0, null]);
      assert.equal(stdout, "");
      const refused = spawnSync(process.execPath, [CLI, "sandbox", "-o", "yaml"], { encoding: "utf8" });
      assert.equal(refused.status, 2);
      assert.equal(refused.stderr, "amlvnet: --output must be one of json, text, got 'yaml'\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("amlvnet sandbox: ports taken and files that cannot be written are bad input (exit 2, one line)", () => {
  const stateDir = String(process.env.AMLVNET_TEST_STATE_DIR);
  const sandbox = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, "sandbox", "--no-run-extensions", "--state-dir", stateDir, ...args], { encoding: "utf8" });

  it("--port or --dns-port already in use names the flag", async () => {
    const tcp = createServer();
    await new Promise<void>((done) => tcp.listen(0, "127.0.0.1", done));
    const udp = createSocket("udp4");
    await new Promise<void>((done) => udp.bind(0, "127.0.0.1", done));
    try {
      const port = (tcp.address() as AddressInfo).port;
      const taken = sandbox("--port", String(port));
      assert.equal(taken.status, 2, taken.stderr);
      assert.equal(
        taken.stderr,
        `amlvnet: --port ${port} is already in use on 127.0.0.1 (EADDRINUSE): give another port, or leave --port out for any free one\n`,
      );
      const dnsPort = udp.address().port;
      const dnsTaken = sandbox("--dns-port", String(dnsPort));
      assert.equal(dnsTaken.status, 2, dnsTaken.stderr);
      assert.match(dnsTaken.stderr, new RegExp(`^amlvnet: --dns-port ${dnsPort} is already in use on 127\\.0\\.0\\.1 \\(EADDRINUSE\\).*\\n$`));
    } finally {
      tcp.close();
      udp.close();
    }
  });

  it("--env-out, --out-file and --request-log in a directory that is not there: refused before anything starts", () => {
    for (const flag of ["--env-out", "--out-file", "--request-log"]) {
      const run = sandbox(flag, "/nonexistent-amlvnet-dir/file");
      assert.equal(run.status, 2, run.stderr);
      assert.equal(
        run.stderr,
        `amlvnet: ${flag} /nonexistent-amlvnet-dir/file cannot be written (ENOENT on /nonexistent-amlvnet-dir): give a file in an existing directory this user can write\n`,
      );
      assert.equal(run.stdout, "");
    }
  });
});
