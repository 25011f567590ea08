import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rgId } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForMalformedBodyTests0000000000000";

/**
 * Compute bodies of the wrong shape (an object where ARM expects a list, null where it expects an object) are
 * refused with a 400 naming what is wrong, never a 500 from a crash inside the sandbox (before the typing of issue 10
 * item 1 each of these threw a TypeError), and leave nothing behind.
 */
describe("sandbox: malformed bodies on VMs and scale sets", () => {
  let sandbox: RunningSandbox;
  let net: string;
  let compute: string;
  before(async () => {
    sandbox = await startTestSandbox();
    const rg = rgId(sandbox, "rg-malformed-compute");
    net = `${rg}/providers/Microsoft.Network`;
    compute = `${rg}/providers/Microsoft.Compute`;
    sandbox.armClient.put(rg, "2021-04-01", { location: "eastus" });
    sandbox.armClient.put(`${net}/virtualNetworks/vnet`, "2024-05-01", {
      location: "eastus",
      properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [{ name: "a", properties: { addressPrefix: "10.0.1.0/24" } }] },
    });
    sandbox.armClient.put(`${net}/networkInterfaces/nic`, "2024-05-01", {
      location: "eastus",
      properties: { ipConfigurations: [{ name: "ipc", properties: { subnet: { id: `${net}/virtualNetworks/vnet/subnets/a` } } }] },
    });
  });
  after(() => sandbox.close());

  function refused(id: string, body: unknown, code: string, messagePart: string): void {
    const response = sandbox.armClient.request("PUT", id, "2024-11-01", body);
    const error = (response.body as { error?: { code: string; message: string } }).error;
    assert.equal(response.status, 400, `PUT ${id}: ${JSON.stringify(response.body)}`);
    assert.equal(error?.code, code);
    assert.ok(error?.message.includes(messagePart), error?.message);
    assert.equal(sandbox.armClient.get(id, "2024-11-01"), undefined, `${id} is not stored`);
  }

  function vm(publicKeys: unknown): unknown {
    return {
      location: "eastus",
      properties: {
        hardwareProfile: { vmSize: "Standard_B2s" },
        networkProfile: { networkInterfaces: [{ id: `${net}/networkInterfaces/nic` }] },
        osProfile: { adminUsername: "azureuser", linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys } } },
      },
    };
  }

  it("refuses a VM whose publicKeys is not a list of keys", () => {
    refused(`${compute}/virtualMachines/vm-object-keys`, vm({ keyData: KEY }), "InvalidParameter", "'osProfile.linuxConfiguration.ssh.publicKeys' is required");
    refused(`${compute}/virtualMachines/vm-null-key`, vm([null]), "InvalidParameter", "linuxConfiguration.ssh.publicKeys.keyData is invalid");
  });

  it("refuses a scale set whose NIC configuration lists null as an IP configuration", () => {
    const id = `${compute}/virtualMachineScaleSets/vmss`;
    refused(
      id,
      {
        location: "eastus",
        sku: { name: "Standard_B2s", capacity: 0 },
        properties: {
          virtualMachineProfile: {
            osProfile: { adminUsername: "azureuser", linuxConfiguration: { ssh: { publicKeys: [{ keyData: KEY }] } } },
            networkProfile: { networkInterfaceConfigurations: [{ name: "n", properties: { ipConfigurations: [null] } }] },
          },
        },
      },
      "InvalidResourceReference",
      "virtualMachineScaleSets/vmss",
    );
  });

  it("still creates the VM once the keys are a list", () => {
    const response = sandbox.armClient.request("PUT", `${compute}/virtualMachines/vm-good`, "2024-11-01", vm([{ keyData: KEY }]));
    assert.equal(response.status, 201, JSON.stringify(response.body));
  });
});
