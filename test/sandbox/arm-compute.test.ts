import assert from "node:assert/strict";
import type { VirtualMachine } from "@azure/arm-compute";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm, rejectsWithCode, rgId, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq1b4m4c0Nn0w4gk0rJ2kq0n3C5Zs3YbV4C6JdS0f9U amlvnet@test";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe("sandbox: Microsoft.Compute through @azure/arm-compute", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  const rg = "rg-compute";
  const location = "westeurope";
  let subnetVm: string;
  let subnetVmss: string;
  const nicIds: Record<string, string> = {};

  const vmBody = (nicId: string, osProfile: VirtualMachine["osProfile"], extra: Partial<VirtualMachine> = {}): VirtualMachine => ({
    location,
    hardwareProfile: { vmSize: "Standard_B2s" },
    storageProfile: {
      imageReference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
      osDisk: { createOption: "FromImage", managedDisk: { storageAccountType: "StandardSSD_LRS" } },
    },
    osProfile,
    networkProfile: { networkInterfaces: [{ id: nicId, primary: true }] },
    ...extra,
  });
  const sshProfile = {
    adminUsername: "azureuser",
    linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: SSH_KEY }] } },
  };

  /** Disks of the group as ARM's generic resource list shows them (see the report: the SDK's disks.get api-version is refused). */
  async function diskNames(): Promise<string[]> {
    const filter = encodeURIComponent("resourceType eq 'Microsoft.Compute/disks'");
    const listed = await rawArm(sandbox, clients.credential, "GET", `${rgId(sandbox, rg)}/resources?api-version=2024-03-01&$filter=${filter}`);
    assert.equal(listed.status, 200);
    return listed.json.value.map((r: { name: string }) => r.name);
  }

  before(async () => {
    sandbox = await startTestSandbox({ lroMs: 0 });
    clients = sandboxClients(sandbox);
    assert.equal((await rawArm(sandbox, clients.credential, "PUT", `${rgId(sandbox, rg)}?api-version=2024-03-01`, { location })).status, 201);
    const vnet = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, "vnet-compute", {
      location,
      addressSpace: { addressPrefixes: ["10.30.0.0/16"] },
      subnets: [
        { name: "snet-vm", addressPrefix: "10.30.1.0/24" },
        { name: "snet-vmss", addressPrefix: "10.30.2.0/24" },
      ],
    });
    [subnetVm, subnetVmss] = (vnet.subnets ?? []).map((s) => s.id as string);
    for (const name of ["nic-vm1", "nic-spare", "nic-vm2"]) {
      const nic = await clients.network.networkInterfaces.beginCreateOrUpdateAndWait(rg, name, {
        location,
        ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnetVm } }],
      });
      nicIds[name] = nic.id as string;
    }
  });
  after(() => sandbox.close());

  it("creates a Linux VM with an SSH key and a system-assigned identity", async () => {
    const vm = await clients.compute.virtualMachines.createOrUpdate(
      rg,
      "vm-1",
      vmBody(nicIds["nic-vm1"], sshProfile, { identity: { type: "SystemAssigned" } }),
    );
    assert.equal(vm.provisioningState, "Succeeded");
    assert.equal(vm.identity?.type, "SystemAssigned");
    assert.match(vm.identity?.principalId ?? "", GUID);
    assert.equal(vm.identity?.tenantId, sandbox.env.AZURE_TENANT_ID);
    assert.equal(vm.osProfile?.linuxConfiguration?.disablePasswordAuthentication, true);
    assert.deepEqual(
      vm.osProfile?.linuxConfiguration?.ssh?.publicKeys?.map((k) => k.keyData),
      [SSH_KEY],
    );
    assert.equal((await clients.compute.virtualMachines.get(rg, "vm-1")).provisioningState, "Succeeded");
  });

  it("creates the managed OS disk the VM references", async () => {
    const vm = await clients.compute.virtualMachines.get(rg, "vm-1");
    const diskId = vm.storageProfile?.osDisk?.managedDisk?.id ?? "";
    assert.match(diskId, new RegExp(`/resourceGroups/${rg}/providers/Microsoft.Compute/disks/vm-1_OsDisk_1_[0-9a-f]{32}$`));
    assert.equal(vm.storageProfile?.osDisk?.managedDisk?.storageAccountType, "StandardSSD_LRS");
    assert.deepEqual(await diskNames(), [diskId.split("/").pop()]);
  });

  it("shows the VM on its NIC as virtualMachine.id", async () => {
    const nic = await clients.network.networkInterfaces.get(rg, "nic-vm1");
    assert.equal(nic.virtualMachine?.id?.toLowerCase(), `${rgId(sandbox, rg)}/providers/Microsoft.Compute/virtualMachines/vm-1`.toLowerCase());
    assert.equal((await clients.network.networkInterfaces.get(rg, "nic-spare")).virtualMachine, undefined);
  });

  it("refuses to delete a NIC while a VM uses it (NicInUse)", async () => {
    await rejectsWithCode(clients.network.networkInterfaces.beginDeleteAndWait(rg, "nic-vm1"), "NicInUse");
    assert.equal((await clients.network.networkInterfaces.get(rg, "nic-vm1")).provisioningState, "Succeeded");
  });

  it("refuses a second VM on a NIC another VM holds (NicReservedForAnotherVm)", async () => {
    await rejectsWithCode(clients.compute.virtualMachines.createOrUpdate(rg, "vm-dup", vmBody(nicIds["nic-vm1"], sshProfile)), "NicReservedForAnotherVm");
    await rejectsWithCode(clients.compute.virtualMachines.get(rg, "vm-dup"), "ResourceNotFound");
  });

  it("refuses a Linux VM with neither an SSH key nor a password (InvalidParameter)", async () => {
    const noCredentials = { adminUsername: "azureuser", linuxConfiguration: { disablePasswordAuthentication: true } };
    await rejectsWithCode(clients.compute.virtualMachines.createOrUpdate(rg, "vm-nokey", vmBody(nicIds["nic-spare"], noCredentials)), "InvalidParameter");
    await rejectsWithCode(clients.compute.virtualMachines.get(rg, "vm-nokey"), "ResourceNotFound");
    assert.equal((await clients.network.networkInterfaces.get(rg, "nic-spare")).virtualMachine, undefined, "the refused VM holds no NIC");
  });

  it("never returns a Custom Script extension's protectedSettings, on GET or list", async () => {
    const secret = "echo s3cr3t-token-value";
    const created = await clients.compute.virtualMachineExtensions.createOrUpdate(rg, "vm-1", "customScript", {
      location,
      publisher: "Microsoft.Azure.Extensions",
      typePropertiesType: "CustomScript",
      typeHandlerVersion: "2.1",
      autoUpgradeMinorVersion: true,
      settings: { fileUris: ["https://example.invalid/setup.sh"] },
      protectedSettings: { commandToExecute: secret },
    });
    assert.equal(created.provisioningState, "Succeeded");
    const got = await clients.compute.virtualMachineExtensions.get(rg, "vm-1", "customScript");
    assert.deepEqual([got.publisher, got.typePropertiesType, got.typeHandlerVersion], ["Microsoft.Azure.Extensions", "CustomScript", "2.1"]);
    assert.deepEqual(got.settings, { fileUris: ["https://example.invalid/setup.sh"] });
    assert.equal(got.protectedSettings, undefined);
    const listed = await clients.compute.virtualMachineExtensions.list(rg, "vm-1");
    assert.deepEqual(
      listed.value?.map((e) => [e.name, e.protectedSettings]),
      [["customScript", undefined]],
    );
    const wire = await rawArm(
      sandbox,
      clients.credential,
      "GET",
      `${rgId(sandbox, rg)}/providers/Microsoft.Compute/virtualMachines/vm-1/extensions/customScript?api-version=2024-11-01`,
    );
    assert.ok(!JSON.stringify(wire.json).includes("s3cr3t"), "the secret never goes back on the wire");
  });

  it("creates a Uniform scale set's instances and lists their IP configurations on the subnet", async () => {
    const vmss = await clients.compute.virtualMachineScaleSets.createOrUpdate(rg, "vmss-agents", {
      location,
      sku: { name: "Standard_B2s", capacity: 2 },
      orchestrationMode: "Uniform",
      upgradePolicy: { mode: "Manual" },
      virtualMachineProfile: {
        osProfile: { computerNamePrefix: "agent", ...sshProfile },
        storageProfile: {
          imageReference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
          osDisk: { createOption: "FromImage" },
        },
        networkProfile: {
          networkInterfaceConfigurations: [{ name: "nic", primary: true, ipConfigurations: [{ name: "ipconfig", subnet: { id: subnetVmss } }] }],
        },
        extensionProfile: {
          extensions: [
            {
              name: "agentSetup",
              publisher: "Microsoft.Azure.Extensions",
              typePropertiesType: "CustomScript",
              typeHandlerVersion: "2.1",
              settings: {},
              protectedSettings: { commandToExecute: "echo s3cr3t-pat" },
            },
          ],
        },
      },
    });
    assert.deepEqual([vmss.provisioningState, vmss.orchestrationMode, vmss.sku?.capacity], ["Succeeded", "Uniform", 2]);
    const instances = [];
    for await (const instance of clients.compute.virtualMachineScaleSetVMs.list(rg, "vmss-agents")) instances.push(instance);
    assert.deepEqual(
      instances.map((i) => i.instanceId),
      ["0", "1"],
    );
    const subnet = await clients.network.subnets.get(rg, "vnet-compute", "snet-vmss");
    const configs = (subnet.ipConfigurations ?? []).map((c) => c.id ?? "");
    assert.equal(configs.length, 2);
    for (const instanceId of ["0", "1"])
      assert.ok(
        configs.some((id) => id.includes(`/virtualMachineScaleSets/vmss-agents/virtualMachines/${instanceId}/`)),
        configs.join(", "),
      );
  });

  it("never returns the protectedSettings of a scale set's extension profile", async () => {
    const vmss = await clients.compute.virtualMachineScaleSets.get(rg, "vmss-agents");
    const extension = vmss.virtualMachineProfile?.extensionProfile?.extensions?.[0];
    assert.deepEqual([extension?.name, extension?.typePropertiesType, extension?.protectedSettings], ["agentSetup", "CustomScript", undefined]);
    const wire = await rawArm(
      sandbox,
      clients.credential,
      "GET",
      `${rgId(sandbox, rg)}/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-agents?api-version=2024-11-01`,
    );
    assert.ok(!JSON.stringify(wire.json).includes("s3cr3t"), "the secret never goes back on the wire");
  });

  it("removes an instance when the scale set's capacity goes from 2 to 1", async () => {
    const scaled = await clients.compute.virtualMachineScaleSets.update(rg, "vmss-agents", { sku: { capacity: 1 } });
    assert.equal(scaled.sku?.capacity, 1);
    const instances = [];
    for await (const instance of clients.compute.virtualMachineScaleSetVMs.list(rg, "vmss-agents")) instances.push(instance.instanceId);
    assert.deepEqual(instances, ["0"]);
    assert.equal((await clients.network.subnets.get(rg, "vnet-compute", "snet-vmss")).ipConfigurations?.length, 1);
  });

  it("keeps the OS disk when a VM with the default deleteOption (Detach) is deleted", async () => {
    const disk = (await clients.compute.virtualMachines.get(rg, "vm-1")).storageProfile?.osDisk;
    assert.equal(disk?.deleteOption, "Detach");
    await clients.compute.virtualMachines.delete(rg, "vm-1");
    await rejectsWithCode(clients.compute.virtualMachines.get(rg, "vm-1"), "ResourceNotFound");
    assert.ok((await diskNames()).includes(disk?.name as string), "the detached disk stays, as in Azure");
    assert.equal((await clients.network.networkInterfaces.get(rg, "nic-vm1")).virtualMachine, undefined);
  });

  it("deletes the OS disk with the VM when osDisk.deleteOption is Delete", async () => {
    const body = vmBody(nicIds["nic-vm2"], sshProfile);
    body.storageProfile!.osDisk = { createOption: "FromImage", name: "vm-2-osdisk", deleteOption: "Delete" };
    const vm = await clients.compute.virtualMachines.createOrUpdate(rg, "vm-2", body);
    assert.equal(vm.storageProfile?.osDisk?.deleteOption, "Delete");
    assert.ok((await diskNames()).includes("vm-2-osdisk"));
    await clients.compute.virtualMachines.delete(rg, "vm-2");
    assert.ok(!(await diskNames()).includes("vm-2-osdisk"));
    assert.equal((await clients.network.networkInterfaces.get(rg, "nic-vm2")).provisioningState, "Succeeded", "the NIC's own deleteOption defaults to Detach");
  });
});
