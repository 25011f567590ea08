import assert from "node:assert/strict";
import { ClientSecretCredential } from "@azure/identity";
import type { Client } from "ssh2";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm, rejectsWithCode, rgId, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { connectSsh, execSsh, forwardOut, hostKeysInSerialLog, KeyPair, newKeyPair, pinnedTo } from "../helpers/ssh-client";

const IMAGE = { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" };
const location = "westeurope";
const rg = "rg-bootdiag";

function linuxProfile(key: KeyPair) {
  return {
    adminUsername: "azureuser",
    linuxConfiguration: {
      disablePasswordAuthentication: true,
      ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: key.publicKey }] },
    },
  };
}

async function setUp(sandbox: RunningSandbox, key: KeyPair): Promise<{ clients: ReturnType<typeof sandboxClients>; subnetId: string }> {
  const clients = sandboxClients(sandbox);
  assert.equal((await rawArm(sandbox, clients.credential, "PUT", `${rgId(sandbox, rg)}?api-version=2024-03-01`, { location })).status, 201);
  const vnet = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, "vnet", {
    location,
    addressSpace: { addressPrefixes: ["10.61.0.0/16"] },
    subnets: [{ name: "snet", addressPrefix: "10.61.1.0/24" }],
  });
  const subnetId = vnet.subnets?.[0].id as string;
  for (const [name, enabled] of [
    ["vm-on", true],
    ["vm-off", false],
  ] as const) {
    const nic = await clients.network.networkInterfaces.beginCreateOrUpdateAndWait(rg, `${name}-nic`, {
      location,
      ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnetId } }],
    });
    await clients.compute.virtualMachines.createOrUpdate(rg, name, {
      location,
      hardwareProfile: { vmSize: "Standard_B2s" },
      storageProfile: { imageReference: IMAGE, osDisk: { createOption: "FromImage" } },
      osProfile: { computerName: name, ...linuxProfile(key) },
      networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
      diagnosticsProfile: { bootDiagnostics: { enabled } },
    });
  }
  return { clients, subnetId };
}

describe("sandbox: boot diagnostics (retrieveBootDiagnosticsData) and SSH to scale-set instances", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  let subnetId: string;
  const key = newKeyPair("admin@laptop");
  const open: Client[] = [];

  before(async () => {
    sandbox = await startTestSandbox({ lroMs: 0, runExtensions: true });
    ({ clients, subnetId } = await setUp(sandbox, key));
  });
  afterEach(() => {
    for (const client of open.splice(0)) client.end();
  });
  after(() => sandbox.close());

  it("keeps diagnosticsProfile on the VM and refuses the action where boot diagnostics are off", async () => {
    assert.equal((await clients.compute.virtualMachines.get(rg, "vm-on")).diagnosticsProfile?.bootDiagnostics?.enabled, true);
    const error = await rejectsWithCode(clients.compute.virtualMachines.retrieveBootDiagnosticsData(rg, "vm-off"), "OperationNotAllowed");
    assert.equal((error as { statusCode?: number }).statusCode, 409);
    assert.equal(error.message, "Boot diagnostics is not enabled for this VM.");
  });

  it("checks sasUriExpirationTimeInMinutes, the VM, and the permission Microsoft.Compute/virtualMachines/retrieveBootDiagnosticsData/action", async () => {
    await rejectsWithCode(
      clients.compute.virtualMachines.retrieveBootDiagnosticsData(rg, "vm-on", { sasUriExpirationTimeInMinutes: 1441 }),
      "InvalidParameter",
    );
    await rejectsWithCode(clients.compute.virtualMachines.retrieveBootDiagnosticsData(rg, "vm-none"), "ResourceNotFound");
    const reader = sandbox.directory.addApp("bootdiag-reader", "4b1f2c3d-1111-4222-8333-444455556666", "4b1f2c3d-9999-4222-8333-444455556666", [
      { scope: rgId(sandbox, rg), role: "Reader" },
    ]);
    const credential = new ClientSecretCredential(sandbox.env.AZURE_TENANT_ID, reader.clientId, reader.secrets[0].value, {
      authorityHost: sandbox.env.AZURE_AUTHORITY_HOST,
      disableInstanceDiscovery: true,
    });
    const path = `${rgId(sandbox, rg)}/providers/Microsoft.Compute/virtualMachines/vm-on/retrieveBootDiagnosticsData?api-version=2024-07-01`;
    const refused = await rawArm(sandbox, credential, "POST", path);
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, "AuthorizationFailed");
    assert.match(refused.json.error.message, /perform action 'Microsoft\.Compute\/virtualMachines\/retrieveBootDiagnosticsData\/action' over scope/);
    const allowed = await rawArm(sandbox, clients.credential, "POST", path);
    assert.equal(allowed.status, 200);
    assert.deepEqual(Object.keys(allowed.json).sort(), ["consoleScreenshotBlobUri", "serialConsoleLogBlobUri"]);
    assert.equal(new URL(allowed.json.serialConsoleLogBlobUri).searchParams.has("se"), true);
  });

  it("serves a scale-set instance's serial log (its host key) and SSH to the instance through the jump host", async () => {
    await clients.compute.virtualMachineScaleSets.createOrUpdate(rg, "ss", {
      location,
      sku: { name: "Standard_B2s", capacity: 2 },
      orchestrationMode: "Uniform",
      upgradePolicy: { mode: "Manual" },
      overprovision: false,
      virtualMachineProfile: {
        osProfile: { computerNamePrefix: "ss", ...linuxProfile(key) },
        storageProfile: { imageReference: IMAGE, osDisk: { createOption: "FromImage" } },
        networkProfile: { networkInterfaceConfigurations: [{ name: "nic", primary: true, ipConfigurations: [{ name: "ipc", subnet: { id: subnetId } }] }] },
        diagnosticsProfile: { bootDiagnostics: { enabled: true } },
      },
    });
    const data = await clients.compute.virtualMachineScaleSetVMs.retrieveBootDiagnosticsData(rg, "ss", "1", { sasUriExpirationTimeInMinutes: 5 });
    assert.match(new URL(data.serialConsoleLogBlobUri as string).pathname, /\/ss_1\.[0-9a-f-]{36}\.serialconsole\.log$/);
    const { keys, fingerprints } = hostKeysInSerialLog(await (await fetch(data.serialConsoleLogBlobUri as string)).text());
    assert.equal(keys.length, 1);
    assert.match(keys[0], /^ssh-ed25519 \S+ root@ss000001$/);
    assert.match(fingerprints[0], /^256 SHA256:\S+ root@ss000001 \(ED25519\)$/);
    const instance = await rawArm(
      sandbox,
      clients.credential,
      "GET",
      `${rgId(sandbox, rg)}/providers/Microsoft.Compute/virtualMachineScaleSets/ss/virtualMachines/1?api-version=2024-07-01`,
    );
    const address: string = instance.json.properties.networkProfileConfiguration.ipConfigurations[0].privateIPAddress;
    const [host, port] = (sandbox.env.AMLVNET_SSH_JUMP_HOST ?? "").split(":");
    const hop = await connectSsh({
      host,
      port: Number(port),
      username: "azureuser",
      privateKey: key.privateKey,
      hostVerifier: pinnedTo(sandbox.env.AMLVNET_SSH_JUMP_HOST_KEY ?? ""),
    });
    open.push(hop);
    const vm = await connectSsh({
      sock: await forwardOut(hop, address, 22),
      username: "azureuser",
      privateKey: key.privateKey,
      hostVerifier: pinnedTo(keys[0]),
    });
    open.push(vm);
    const result = await execSsh(vm, "echo $AMLVNET_VM_COMPUTER_NAME; cat", "from stdin");
    assert.deepEqual(result, { stdout: "ss000001\nfrom stdin", stderr: "", code: 0 });
    const instanceId = instance.json.id as string;
    const server = await sandbox.ssh?.vmServer(instanceId);
    assert.equal(server?.hostKey, keys[0].split(" ").slice(0, 2).join(" "));
    await clients.compute.virtualMachineScaleSets.createOrUpdate(rg, "ss", {
      ...(await clients.compute.virtualMachineScaleSets.get(rg, "ss")),
      sku: { name: "Standard_B2s", capacity: 1 },
    });
    assert.equal(await sandbox.ssh?.vmServer(instanceId), undefined, "scaled in: the instance and its SSH server are gone");
    assert.equal((await fetch(data.serialConsoleLogBlobUri as string)).status, 403);
  });
});

describe("sandbox: boot diagnostics when VM extensions do not run", () => {
  let sandbox: RunningSandbox;
  after(() => sandbox.close());

  it("answers the action with a serial log that has no host keys, and offers no SSH", async () => {
    sandbox = await startTestSandbox({ lroMs: 0 });
    const { clients } = await setUp(sandbox, newKeyPair("admin@laptop"));
    assert.equal(sandbox.ssh, undefined);
    assert.equal(sandbox.env.AMLVNET_SSH_JUMP_HOST, undefined);
    const data = await clients.compute.virtualMachines.retrieveBootDiagnosticsData(rg, "vm-on");
    const log = await (await fetch(data.serialConsoleLogBlobUri as string)).text();
    assert.match(log, /^\[ {4}0\.000000\] Linux version/);
    assert.deepEqual(hostKeysInSerialLog(log), { keys: [], fingerprints: [] });
  });
});
