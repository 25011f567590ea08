import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { VirtualMachineScaleSet, VirtualMachineScaleSetExtension } from "@azure/arm-compute";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm, rejectsWithCode, rgId, sandboxClients } from "../helpers/clients";
import { customScript, operationFails } from "../helpers/custom-script";
import { filesUnder } from "../helpers/files";
import { startTestSandbox } from "../helpers/sandbox-harness";

const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq1b4m4c0Nn0w4gk0rJ2kq0n3C5Zs3YbV4C6JdS0f9U amlvnet@test";
const ADMIN = {
  adminUsername: "azureuser",
  linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: SSH_KEY }] } },
};
const IMAGE = { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" };

describe("sandbox: Custom Script extensions really run", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  let vmId: string;
  const rg = "rg-cse";
  const location = "westeurope";

  before(async () => {
    sandbox = await startTestSandbox({ lroMs: 0, runExtensions: true, extensionTimeoutMs: 4000 });
    clients = sandboxClients(sandbox);
    assert.equal((await rawArm(sandbox, clients.credential, "PUT", `${rgId(sandbox, rg)}?api-version=2024-03-01`, { location })).status, 201);
    const vnet = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, "vnet", {
      location,
      addressSpace: { addressPrefixes: ["10.40.0.0/16"] },
      subnets: [
        { name: "snet", addressPrefix: "10.40.1.0/24" },
        { name: "snet-ss", addressPrefix: "10.40.2.0/24" },
      ],
    });
    const nic = await clients.network.networkInterfaces.beginCreateOrUpdateAndWait(rg, "nic-1", {
      location,
      ipConfigurations: [{ name: "ipconfig1", subnet: { id: vnet.subnets?.[0].id } }],
    });
    const vm = await clients.compute.virtualMachines.createOrUpdate(rg, "vm-1", {
      location,
      hardwareProfile: { vmSize: "Standard_B2s" },
      storageProfile: { imageReference: IMAGE, osDisk: { createOption: "FromImage" } },
      osProfile: { computerName: "vm-1", ...ADMIN },
      networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
    });
    vmId = vm.id as string;
  });
  after(() => sandbox.close());

  it("runs a protected commandToExecute and reports its stdout and stderr in the instance view", async () => {
    const created = await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
      rg,
      "vm-1",
      "cse",
      customScript({ commandToExecute: "echo hello-$((6*7)); echo careful >&2; pwd" }),
    );
    assert.equal(created.provisioningState, "Succeeded");
    const got = await clients.compute.virtualMachineExtensions.get(rg, "vm-1", "cse", { expand: "instanceView" });
    const view = got.instanceView;
    assert.equal(view?.type, "Microsoft.Azure.Extensions.CustomScript");
    assert.equal(view?.statuses?.[0].code, "ProvisioningState/succeeded");
    assert.match(view?.statuses?.[0].message ?? "", /^Enable succeeded: \n\[stdout\]\nhello-42\n.*\n\[stderr\]\ncareful\n$/s);
    assert.deepEqual(
      view?.substatuses?.map((s) => s.code),
      ["ComponentStatus/StdOut/succeeded", "ComponentStatus/StdErr/succeeded"],
    );
    assert.match(view?.substatuses?.[0].message ?? "", /^hello-42\n.*\/var\/lib\/waagent\/custom-script\/download\/\d+\n$/);
    assert.equal(got.protectedSettings, undefined);
    const vmView = await clients.compute.virtualMachines.instanceView(rg, "vm-1");
    assert.deepEqual(
      vmView.extensions?.map((e) => [e.name, e.substatuses?.[0].message?.split("\n")[0]]),
      [["cse", "hello-42"]],
    );
    assert.deepEqual(
      vmView.statuses?.map((s) => s.code),
      ["ProvisioningState/succeeded", "PowerState/running"],
    );
  });

  it("refuses a second Custom Script extension on the VM: one extension per handler, as Azure", async () => {
    const error = await rejectsWithCode(
      clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(rg, "vm-1", "another", customScript({ commandToExecute: "true" })),
      "BadRequest",
    );
    assert.equal(
      error.message,
      "Multiple VMExtensions per handler not supported for OS type 'Linux'. VMExtension 'another' with handler 'Microsoft.Azure.Extensions.CustomScript' already added or specified in input.",
    );
  });

  it("fails the operation with VMExtensionProvisioningError, the exit status and stderr when the script exits 3", async () => {
    const error = await operationFails(
      clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
        rg,
        "vm-1",
        "cse",
        customScript({ commandToExecute: "echo before; echo 'it broke' >&2; exit 3" }),
      ),
      "VMExtensionProvisioningError",
    );
    assert.match(
      error,
      /^VM has reported a failure when processing extension 'cse' \(publisher 'Microsoft.Azure.Extensions' and type 'CustomScript'\)\. Error message: 'Enable failed: failed to execute command: command terminated with exit status=3\n\[stdout\]\nbefore\n\n\[stderr\]\nit broke\n'\./,
    );
    const got = await clients.compute.virtualMachineExtensions.get(rg, "vm-1", "cse", { expand: "instanceView" });
    assert.equal(got.provisioningState, "Failed");
    assert.equal(got.instanceView?.statuses?.[0].code, "ProvisioningState/failed");
    assert.equal(got.instanceView?.substatuses?.[0].message, "before\n");
  });

  it("downloads fileUris from the sandbox into the working directory and refuses any other origin", async () => {
    const url = sandbox.vmAgent.publishFile("greet.sh", "echo greetings from $(basename $0)\n");
    const ok = await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
      rg,
      "vm-1",
      "cse",
      customScript({ commandToExecute: "bash greet.sh" }, { fileUris: [url] }),
    );
    assert.equal(ok.provisioningState, "Succeeded");
    const view = await clients.compute.virtualMachineExtensions.get(rg, "vm-1", "cse", { expand: "instanceView" });
    assert.equal(view.instanceView?.substatuses?.[0].message, "greetings from greet.sh\n");
    const error = await operationFails(
      clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
        rg,
        "vm-1",
        "cse",
        customScript({ commandToExecute: "bash setup.sh" }, { fileUris: [url, "https://example.com/setup.sh"] }),
      ),
      "VMExtensionProvisioningError",
    );
    assert.match(
      error,
      /Enable failed: processing file downloads failed: failed to download file\[1\]: a sandbox VM can only download from the sandbox \(https:\/\/127\.0\.0\.1:\d+\); 'https:\/\/example\.com\/setup\.sh' is elsewhere/,
    );
  });

  it("reads settings as the extension does: commandToExecute on both sides is refused, a protected base64 script runs", async () => {
    const both = await operationFails(
      clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
        rg,
        "vm-1",
        "cse",
        customScript({ commandToExecute: "true" }, { commandToExecute: "true" }),
      ),
      "VMExtensionProvisioningError",
    );
    assert.match(
      both,
      /'Enable failed: failed to get configuration: invalid configuration: 'commandToExecute' was specified both in public and protected settings; it must be specified only once'/,
    );
    const secret = "pr0tected-Value-7731";
    const script = Buffer.from(`SECRET=${secret}\necho "length \${#SECRET}"\nid -u\n`).toString("base64");
    await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(rg, "vm-1", "cse", customScript({ script }));
    const view = await clients.compute.virtualMachineExtensions.get(rg, "vm-1", "cse", { expand: "instanceView" });
    const [length, uid] = (view.instanceView?.substatuses?.[0].message ?? "").trim().split("\n");
    assert.equal(length, `length ${secret.length}`);
    if (process.getuid?.() === 0) assert.equal(uid, "65534", "a root sandbox runs VM scripts as nobody");
    for (const file of filesUnder(sandbox.vmAgent.vmDirectory(vmId)))
      assert.ok(!readFileSync(file, "utf8").includes(secret), `${file} holds the protected script`);
    assert.ok(!JSON.stringify(sandbox.vmAgent.commands(vmId)).includes(secret));
  });

  it("records the argv of the processes a script starts", async () => {
    await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
      rg,
      "vm-1",
      "cse",
      customScript({ commandToExecute: "printf '%s\\n' one 'two words' | sort -r > sorted.txt" }),
    );
    const argvs = sandbox.vmAgent.commands(vmId).map((c) => c.argv);
    assert.ok(
      argvs.some((a) => a[0] === "printf" || a.join(" ") === "sort -r"),
      JSON.stringify(argvs),
    );
    assert.ok(
      argvs.some((a) => a.join(" ") === "sort -r"),
      JSON.stringify(argvs),
    );
  });

  it("does not run an unchanged configuration again, and runs it again for a new forceUpdateTag", async () => {
    const body = customScript({ commandToExecute: "echo run >> $HOME/count; wc -l < $HOME/count" });
    await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(rg, "vm-1", "cse", body);
    await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(rg, "vm-1", "cse", body);
    const count = async () =>
      (await clients.compute.virtualMachineExtensions.get(rg, "vm-1", "cse", { expand: "instanceView" })).instanceView?.substatuses?.[0].message?.trim();
    assert.equal(await count(), "1");
    await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(rg, "vm-1", "cse", { ...body, forceUpdateTag: "2" });
    assert.equal(await count(), "2");
  });

  it("kills a script at the time limit and fails with VMExtensionProvisioningTimeout", async () => {
    const started = Date.now();
    const error = await operationFails(
      clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(rg, "vm-1", "cse", customScript({ commandToExecute: "echo waiting; sleep 60" })),
      "VMExtensionProvisioningTimeout",
    );
    assert.match(error, /^Provisioning of VM extension 'cse' has timed out\./);
    assert.ok(Date.now() - started < 15_000);
  });

  it("runs a scale set's profile extension on each new instance, and a scale-set extension on every instance", async () => {
    const subnet = (await clients.network.subnets.get(rg, "vnet", "snet-ss")).id;
    const scaleSet = (name: string, capacity: number, extensions: VirtualMachineScaleSetExtension[]): VirtualMachineScaleSet => ({
      location,
      sku: { name: "Standard_B2s", capacity },
      orchestrationMode: "Uniform",
      upgradePolicy: { mode: "Manual" },
      overprovision: false,
      virtualMachineProfile: {
        osProfile: { computerNamePrefix: name, ...ADMIN },
        storageProfile: { imageReference: IMAGE, osDisk: { createOption: "FromImage" } },
        networkProfile: { networkInterfaceConfigurations: [{ name: "nic", primary: true, ipConfigurations: [{ name: "ipc", subnet: { id: subnet } }] }] },
        extensionProfile: { extensions },
      },
    });
    const boot = {
      name: "boot",
      publisher: "Microsoft.Azure.Extensions",
      typePropertiesType: "CustomScript",
      typeHandlerVersion: "2.1",
      protectedSettings: { commandToExecute: "echo booted $AMLVNET_VM_COMPUTER_NAME" },
    };
    assert.equal((await clients.compute.virtualMachineScaleSets.createOrUpdate(rg, "ss-a", scaleSet("a", 2, [boot]))).provisioningState, "Succeeded");
    await clients.compute.virtualMachineScaleSets.createOrUpdate(rg, "ss-b", scaleSet("b", 2, []));
    await clients.compute.virtualMachineScaleSetExtensions.beginCreateOrUpdateAndWait(rg, "ss-b", "later", {
      publisher: "Microsoft.Azure.Extensions",
      typePropertiesType: "CustomScript",
      typeHandlerVersion: "2.1",
      protectedSettings: { commandToExecute: "echo later" },
    });
    await clients.compute.virtualMachineScaleSets.createOrUpdate(rg, "ss-b", scaleSet("b", 3, []));
    const outputs = async (ss: string, instanceId: string) => {
      const view = await clients.compute.virtualMachineScaleSetVMs.getInstanceView(rg, ss, instanceId);
      return Object.fromEntries((view.extensions ?? []).map((e) => [e.name, e.substatuses?.[0].message?.trim()]));
    };
    for (const id of ["0", "1"]) assert.deepEqual(await outputs("ss-a", id), { boot: `booted a${id.padStart(6, "0")}` });
    for (const id of ["0", "1", "2"]) assert.deepEqual(await outputs("ss-b", id), { later: "later" }, `instance ${id}`);
    const summary = await clients.compute.virtualMachineScaleSets.getInstanceView(rg, "ss-b");
    assert.deepEqual(
      summary.extensions?.map((e) => [e.name, e.statusesSummary]),
      [["later", [{ code: "ProvisioningState/succeeded", count: 3 }]]],
    );
    const model = await clients.compute.virtualMachineScaleSets.get(rg, "ss-b");
    assert.deepEqual(
      model.virtualMachineProfile?.extensionProfile?.extensions?.map((e) => [e.name, e.protectedSettings]),
      [["later", undefined]],
    );
  });
});

describe("sandbox: Custom Script extensions with runExtensions off (the default)", () => {
  let sandbox: RunningSandbox;
  after(() => sandbox.close());

  it("stores the extension, succeeds at once and still reports instance views", async () => {
    sandbox = await startTestSandbox({ lroMs: 0 });
    const clients = sandboxClients(sandbox);
    await rawArm(sandbox, clients.credential, "PUT", `${rgId(sandbox, "rg-off")}?api-version=2024-03-01`, { location: "westeurope" });
    const vnet = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait("rg-off", "vnet", {
      location: "westeurope",
      addressSpace: { addressPrefixes: ["10.41.0.0/16"] },
      subnets: [{ name: "snet", addressPrefix: "10.41.1.0/24" }],
    });
    const nic = await clients.network.networkInterfaces.beginCreateOrUpdateAndWait("rg-off", "nic", {
      location: "westeurope",
      ipConfigurations: [{ name: "ip", subnet: { id: vnet.subnets?.[0].id } }],
    });
    await clients.compute.virtualMachines.createOrUpdate("rg-off", "vm", {
      location: "westeurope",
      hardwareProfile: { vmSize: "Standard_B2s" },
      storageProfile: { imageReference: IMAGE, osDisk: { createOption: "FromImage" } },
      osProfile: { computerName: "vm", ...ADMIN },
      networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
    });
    const created = await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
      "rg-off",
      "vm",
      "cse",
      customScript({ commandToExecute: "exit 3" }, { fileUris: ["https://example.invalid/x.sh"] }),
    );
    assert.equal(created.provisioningState, "Succeeded");
    const view = await clients.compute.virtualMachines.instanceView("rg-off", "vm");
    assert.deepEqual(
      view.extensions?.map((e) => [e.name, e.statuses?.[0].code]),
      [["cse", "ProvisioningState/succeeded"]],
    );
    assert.equal(sandbox.vmAgent.argvRecording, "off");
  });
});
