import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { Client } from "ssh2";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm, rgId, sandboxClients } from "../helpers/clients";
import { filesUnder } from "../helpers/files";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { connectSsh, execSsh, forwardOut, hostKeysInSerialLog, newKeyPair, pinnedTo } from "../helpers/ssh-client";

const IMAGE = { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" };
const location = "westeurope";
const rg = "rg-ssh";

function refusedConnection(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe("sandbox: SSH to VMs through the jump host, host keys pinned from boot diagnostics", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  const admin = newKeyPair("admin@laptop");
  const other = newKeyPair("other@laptop");
  const stranger = newKeyPair("stranger@elsewhere");
  let vmId: string;
  let vmAddress: string;
  let vmHostKey: string;
  let jump: { host: string; port: number; hostKey: string };
  const open: Client[] = [];

  async function createVm(name: string, subnetId: string, publicKey: string, bootDiagnostics: boolean): Promise<{ id: string; address: string }> {
    const nic = await clients.network.networkInterfaces.beginCreateOrUpdateAndWait(rg, `${name}-nic`, {
      location,
      ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnetId } }],
    });
    const vm = await clients.compute.virtualMachines.createOrUpdate(rg, name, {
      location,
      hardwareProfile: { vmSize: "Standard_B2s" },
      storageProfile: { imageReference: IMAGE, osDisk: { createOption: "FromImage" } },
      osProfile: {
        computerName: name,
        adminUsername: "azureuser",
        linuxConfiguration: {
          disablePasswordAuthentication: true,
          ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: publicKey }] },
        },
      },
      networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
      diagnosticsProfile: { bootDiagnostics: { enabled: bootDiagnostics } },
    });
    assert.equal(vm.provisioningState, "Succeeded");
    return { id: vm.id as string, address: nic.ipConfigurations?.[0].privateIPAddress as string };
  }

  /** A session on the jump host as the admin, its host key pinned. */
  async function toJump(): Promise<Client> {
    const hop = await connectSsh({
      host: jump.host,
      port: jump.port,
      username: "azureuser",
      privateKey: admin.privateKey,
      hostVerifier: pinnedTo(jump.hostKey),
    });
    open.push(hop);
    return hop;
  }

  async function throughJump(address: string, username: string, privateKey: string, pinned: string): Promise<Client> {
    const hop = await toJump();
    const stream = await forwardOut(hop, address, 22);
    const vm = await connectSsh({ sock: stream, username, privateKey, hostVerifier: pinnedTo(pinned) });
    open.push(vm);
    return vm;
  }

  before(async () => {
    sandbox = await startTestSandbox({ scenario: "reference", lroMs: 0, runExtensions: true });
    clients = sandboxClients(sandbox);
    assert.equal((await rawArm(sandbox, clients.credential, "PUT", `${rgId(sandbox, rg)}?api-version=2024-03-01`, { location })).status, 201);
    const vnet = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, "vnet-ssh", {
      location,
      addressSpace: { addressPrefixes: ["10.60.0.0/16"] },
      subnets: [{ name: "snet", addressPrefix: "10.60.1.0/24" }],
    });
    const subnetId = vnet.subnets?.[0].id as string;
    ({ id: vmId, address: vmAddress } = await createVm("vm-ssh", subnetId, admin.publicKey, true));
    await createVm("vm-other", subnetId, other.publicKey, false);
    const [host, port] = (sandbox.env.AMLVNET_SSH_JUMP_HOST ?? "").split(":");
    jump = { host, port: Number(port), hostKey: sandbox.env.AMLVNET_SSH_JUMP_HOST_KEY ?? "" };
  });
  afterEach(() => {
    for (const client of open.splice(0)) client.end();
  });
  after(() => sandbox.close());

  it("publishes the jump host in the ready env and in RunningSandbox.ssh", () => {
    assert.equal(jump.host, "127.0.0.1");
    assert.ok(jump.port > 0);
    assert.match(jump.hostKey, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(sandbox.ssh?.jumpHost, { host: "127.0.0.1", port: jump.port, hostKey: jump.hostKey });
  });

  it("shows the VM's host key in its serial console log, as cloud-init prints it, behind the boot diagnostics URI", async () => {
    const data = await clients.compute.virtualMachines.retrieveBootDiagnosticsData(rg, "vm-ssh", { sasUriExpirationTimeInMinutes: 10 });
    const logUri = new URL(data.serialConsoleLogBlobUri as string);
    assert.equal(logUri.origin, sandbox.origin);
    assert.match(logUri.pathname, /^\/_bootdiag\/[A-Za-z0-9_-]{32}\/vm-ssh\.[0-9a-f-]{36}\.serialconsole\.log$/);
    assert.equal(logUri.searchParams.get("sp"), "r");
    assert.match(data.consoleScreenshotBlobUri ?? "", /\.screenshot\.bmp\?/);
    const response = await fetch(logUri);
    assert.equal(response.status, 200);
    const log = await response.text();
    const lines = log.split("\n");
    const at = lines.findIndex((l) => l.endsWith("-----BEGIN SSH HOST KEY FINGERPRINTS-----"));
    assert.match(lines[at - 2], /^<14>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ec2:$/);
    assert.match(lines[at - 1], /^<14>.* ec2: #{61}$/);
    assert.match(lines[at + 1], /^<14>.* ec2: 256 SHA256:[A-Za-z0-9+/]{43} root@vm-ssh \(ED25519\)$/);
    assert.match(lines[at + 2], /^<14>.* ec2: -----END SSH HOST KEY FINGERPRINTS-----$/);
    assert.deepEqual(
      lines.slice(at + 4, at + 7).map((l) => l.replace(/ AAAA\S+ /, " KEY ")),
      ["-----BEGIN SSH HOST KEY KEYS-----", "ssh-ed25519 KEY root@vm-ssh", "-----END SSH HOST KEY KEYS-----"],
    );
    const { keys, fingerprints } = hostKeysInSerialLog(log);
    assert.equal(keys.length, 1);
    vmHostKey = keys[0].split(" ").slice(0, 2).join(" ");
    const fingerprint = createHash("sha256")
      .update(Buffer.from(vmHostKey.split(" ")[1], "base64"))
      .digest("base64")
      .replace(/=+$/, "");
    assert.deepEqual(fingerprints, [`256 SHA256:${fingerprint} root@vm-ssh (ED25519)`]);
    assert.equal((await sandbox.ssh?.vmServer(vmId))?.hostKey, vmHostKey);
    const screenshot = await fetch(data.consoleScreenshotBlobUri as string);
    assert.equal(screenshot.status, 200);
    assert.equal(
      Buffer.from(await screenshot.arrayBuffer())
        .subarray(0, 2)
        .toString("ascii"),
      "BM",
    );
    const guessed = new URL(logUri);
    guessed.pathname = guessed.pathname.replace(/\/_bootdiag\/[^/]+\//, "/_bootdiag/not-the-token/");
    assert.equal((await fetch(guessed)).status, 403);
  });

  it("runs a command as the admin user on the VM through the jump host, the secret on stdin only", async () => {
    const vm = await throughJump(vmAddress, "azureuser", admin.privateKey, vmHostKey);
    const secret = "s3cr3t-0n-stdin-4242";
    const result = await execSsh(vm, "read secret; echo got ${#secret}; id -un 2>/dev/null || echo $AMLVNET_VM_USER", `${secret}\n`);
    assert.equal(result.code, 0, result.stderr);
    const [got, user] = result.stdout.trim().split("\n");
    assert.equal(got, `got ${secret.length}`);
    assert.match(user, /^\S+$/, "id -un names the host account VM processes run as");
    const who = await execSsh(
      vm,
      'echo "$AMLVNET_VM_USER $AMLVNET_VM_UID $USER $LANG"; pwd; sudo bash -c \'echo "$AMLVNET_VM_USER $AMLVNET_VM_UID $SUDO_USER"\'',
      "",
      { env: { LANG: "en_US.UTF-8" } },
    );
    assert.equal(who.code, 0, who.stderr);
    const vmDir = sandbox.vmAgent.vmDirectory(vmId);
    assert.deepEqual(who.stdout.trim().split("\n"), ["azureuser 1000 azureuser en_US.UTF-8", join(vmDir, "home", "azureuser"), "root 0 azureuser"]);
    const failing = await execSsh(vm, "echo to-stderr >&2; exit 7");
    assert.deepEqual(failing, { stdout: "", stderr: "to-stderr\n", code: 7 });
    const argvs = sandbox.vmAgent.commands(vmId).map((c) => c.argv);
    assert.ok(
      argvs.some((a) => a.join(" ") === "id -un"),
      JSON.stringify(argvs),
    );
    assert.ok(!JSON.stringify(argvs).includes(secret), "the secret is in an argv");
    for (const file of filesUnder(vmDir)) assert.ok(!readFileSync(file, "utf8").includes(secret), `${file} holds the secret`);
  });

  it("accepts only LANG and LC_* from the client's environment, and no terminal or shell", async () => {
    const vm = await throughJump(vmAddress, "azureuser", admin.privateKey, vmHostKey);
    const env = await execSsh(vm, 'echo "${LC_TIME-unset} ${AMLVNET_VM_USER} ${INJECTED-unset}"', "", {
      env: { LC_TIME: "C", AMLVNET_VM_USER: "root", INJECTED: "x" },
    });
    assert.equal(env.stdout, "C azureuser unset\n");
    await assert.rejects(
      new Promise((resolve, reject) => vm.shell(false, (error, channel) => (error ? reject(error) : resolve(channel)))),
      /^Error: Unable to open shell$/,
    );
    await assert.rejects(
      new Promise((resolve, reject) => vm.exec("true", { pty: true }, (error, channel) => (error ? reject(error) : resolve(channel)))),
      /^Error: Unable to request a pseudo-terminal$/,
    );
    await assert.rejects(
      new Promise((resolve, reject) => vm.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)))),
      /^Error: Unable to start subsystem: sftp$/,
    );
  });

  it("fails the connection when the pinned host key is not the server's", async () => {
    await assert.rejects(
      connectSsh({ host: jump.host, port: jump.port, username: "azureuser", privateKey: admin.privateKey, hostVerifier: pinnedTo(vmHostKey) }),
      /host key|verification failed/i,
    );
    await assert.rejects(throughJump(vmAddress, "azureuser", admin.privateKey, jump.hostKey), /host key|verification failed/i);
  });

  it("lets in only the VM's admin with a key of the VM's publicKeys", async () => {
    await assert.rejects(
      connectSsh({ host: jump.host, port: jump.port, username: "azureuser", privateKey: stranger.privateKey, hostVerifier: pinnedTo(jump.hostKey) }),
      /All configured authentication methods failed/,
    );
    await assert.rejects(
      throughJump(vmAddress, "azureuser", other.privateKey, vmHostKey),
      /All configured authentication methods failed/,
      "vm-other's key is not vm-ssh's",
    );
    await assert.rejects(throughJump(vmAddress, "root", admin.privateKey, vmHostKey), /All configured authentication methods failed/);
  });

  it("forwards only to a sandbox VM's private IP on port 22 and opens no sessions", async () => {
    const hop = await toJump();
    await assert.rejects(forwardOut(hop, "10.99.99.99", 22), /\(SSH\) Channel open failure/);
    await assert.rejects(forwardOut(hop, vmAddress, 80), /\(SSH\) Channel open failure/);
    await assert.rejects(forwardOut(hop, "127.0.0.1", 22), /\(SSH\) Channel open failure/);
    await assert.rejects(execSsh(hop, "true"), /\(SSH\) Channel open failure/);
  });

  it("stops the VM's SSH server when the VM is deleted", async () => {
    const before = await sandbox.ssh?.vmServer(vmId);
    assert.ok(before);
    assert.equal(await refusedConnection(before.port), "connected");
    const data = await clients.compute.virtualMachines.retrieveBootDiagnosticsData(rg, "vm-ssh");
    await clients.compute.virtualMachines.delete(rg, "vm-ssh");
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await refusedConnection(before.port), "ECONNREFUSED");
    assert.equal(await sandbox.ssh?.vmServer(vmId), undefined);
    await assert.rejects(
      connectSsh({ host: jump.host, port: jump.port, username: "azureuser", privateKey: admin.privateKey, hostVerifier: pinnedTo(jump.hostKey) }),
      /All configured authentication methods failed/,
      "no VM authorizes the key any more",
    );
    const hop = await connectSsh({
      host: jump.host,
      port: jump.port,
      username: "azureuser",
      privateKey: other.privateKey,
      hostVerifier: pinnedTo(jump.hostKey),
    });
    open.push(hop);
    await assert.rejects(forwardOut(hop, vmAddress, 22), /\(SSH\) Channel open failure/);
    assert.equal((await fetch(data.serialConsoleLogBlobUri as string)).status, 403);
  });
});
