import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { NetworkInterface } from "@azure/arm-network";
import { discoverAgentVnet } from "../../readiness/agent-vnet";
import { readInstanceIdentity } from "../../readiness/imds";
import { imdsEndpointFor } from "../../sandbox/arm/instance-metadata";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm, sandboxClients } from "../helpers/clients";
import { type ReferenceIds, sandboxClientsFor, startReferenceSandbox } from "../readiness/helpers";
import { closedPort } from "../readiness/probe/listeners";

const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq1b4m4c0Nn0w4gk0rJ2kq0n3C5Zs3YbV4C6JdS0f9U amlvnet@test";
const osProfile = {
  adminUsername: "azureuser",
  linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: SSH_KEY }] } },
};
const image = {
  imageReference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
  osDisk: { createOption: "FromImage" },
};

describe("sandbox: IMDS for VMs and scale-set instances, and scale-set instance NICs (Network RP)", () => {
  let sandbox: RunningSandbox;
  let ids: ReferenceIds;
  let clients: ReturnType<typeof sandboxClients>;
  let scaleSetId: string;
  let vmId: string;
  let agentSubnet: string;

  before(async () => {
    ({ sandbox, ids } = await startReferenceSandbox());
    clients = sandboxClients(sandbox);
    agentSubnet = `${ids.agentVnetId}/subnets/snet-agents`;
    scaleSetId = `${ids.rg}/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-agents`;
    sandbox.armClient.put(scaleSetId, "2024-11-01", {
      location: "westeurope",
      sku: { name: "Standard_D2s_v5", capacity: 2 },
      properties: {
        orchestrationMode: "Uniform",
        upgradePolicy: { mode: "Manual" },
        virtualMachineProfile: {
          osProfile: { computerNamePrefix: "agent", ...osProfile },
          storageProfile: image,
          networkProfile: {
            networkInterfaceConfigurations: [
              { name: "nic-agent", properties: { primary: true, ipConfigurations: [{ name: "ipconfig1", properties: { subnet: { id: agentSubnet } } }] } },
            ],
          },
        },
      },
    });
    const nic = `${ids.rg}/providers/Microsoft.Network/networkInterfaces/nic-vm-agent`;
    sandbox.armClient.put(nic, "2024-07-01", {
      location: "westeurope",
      properties: { ipConfigurations: [{ name: "ipconfig1", properties: { subnet: { id: agentSubnet } } }] },
    });
    vmId = `${ids.rg}/providers/Microsoft.Compute/virtualMachines/vm-agent`;
    sandbox.armClient.put(vmId, "2024-11-01", {
      location: "westeurope",
      properties: {
        hardwareProfile: { vmSize: "Standard_D2s_v5" },
        storageProfile: image,
        osProfile: { computerName: "vm-agent", ...osProfile },
        networkProfile: { networkInterfaces: [{ id: nic }] },
      },
    });
  });
  after(() => sandbox.close());

  it("serves GET .../virtualMachineScaleSets/{vmss}/virtualMachines/{i}/networkInterfaces at api-version 2018-10-01, raw and through @azure/arm-network", async () => {
    const raw = await rawArm(sandbox, clients.credential, "GET", `${scaleSetId}/virtualMachines/1/networkInterfaces?api-version=2018-10-01`);
    assert.equal(raw.status, 200, JSON.stringify(raw.json));
    assert.equal(raw.json.value.length, 1);
    const nic = raw.json.value[0];
    assert.equal(nic.id, `${scaleSetId}/virtualMachines/1/networkInterfaces/nic-agent`);
    assert.equal(nic.type, "Microsoft.Network/networkInterfaces");
    assert.equal(nic.properties.virtualMachine.id, `${scaleSetId}/virtualMachines/1`);
    assert.equal(nic.properties.primary, true);
    const ipc = nic.properties.ipConfigurations[0];
    assert.equal(ipc.id, `${scaleSetId}/virtualMachines/1/networkInterfaces/nic-agent/ipConfigurations/ipconfig1`);
    assert.equal(ipc.properties.subnet.id.toLowerCase(), agentSubnet.toLowerCase());
    assert.match(ipc.properties.privateIPAddress, /^10\./);

    const listed: NetworkInterface[] = [];
    for await (const n of clients.network.networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces(ids.names.resourceGroup, "vmss-agents", "0"))
      listed.push(n);
    assert.deepEqual(
      listed.map((n) => [n.name, n.primary, n.ipConfigurations?.[0].subnet?.id?.toLowerCase()]),
      [["nic-agent", true, agentSubnet.toLowerCase()]],
    );
    const one = await clients.network.networkInterfaces.getVirtualMachineScaleSetNetworkInterface(ids.names.resourceGroup, "vmss-agents", "0", "nic-agent");
    assert.equal(one.ipConfigurations?.[0].privateIPAddress, listed[0].ipConfigurations?.[0].privateIPAddress);
    const instance = await clients.compute.virtualMachineScaleSetVMs.get(ids.names.resourceGroup, "vmss-agents", "0");
    const nicId = instance.networkProfile?.networkInterfaces?.[0]?.id as string;
    assert.equal(nicId, `${scaleSetId}/virtualMachines/0/networkInterfaces/nic-agent`);
    const followed = await rawArm(sandbox, clients.credential, "GET", `${nicId}?api-version=2018-10-01`);
    assert.equal(followed.json.properties.ipConfigurations[0].properties.privateIPAddress, one.ipConfigurations?.[0].privateIPAddress);
    const all: NetworkInterface[] = [];
    for await (const n of clients.network.networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces(ids.names.resourceGroup, "vmss-agents")) all.push(n);
    assert.equal(all.length, 2);
  });

  it("refuses the scale-set NIC routes at other api-versions and for an instance that does not exist", async () => {
    const newer = await rawArm(sandbox, clients.credential, "GET", `${scaleSetId}/virtualMachines/0/networkInterfaces?api-version=2024-05-01`);
    assert.equal(newer.status, 400);
    assert.equal(newer.json.error.code, "InvalidApiVersionParameter");
    const missing = await rawArm(sandbox, clients.credential, "GET", `${scaleSetId}/virtualMachines/7/networkInterfaces?api-version=2018-10-01`);
    assert.equal(missing.status, 404);
    const anonymous = await fetch(`${sandbox.origin}${scaleSetId}/virtualMachines/0/networkInterfaces?api-version=2018-10-01`);
    assert.equal(anonymous.status, 401);
  });

  it("IMDS: a scale-set instance is .../virtualMachineScaleSets/{vmss}/virtualMachines/{id}, named {vmss}_{id}; a VM is .../virtualMachines/{vm}", async () => {
    const instance = await imds(imdsEndpointFor(sandbox.origin, `${scaleSetId}/virtualMachines/1`));
    assert.equal(instance.status, 200);
    assert.equal(instance.json.compute.resourceId, `${scaleSetId}/virtualMachines/1`);
    assert.equal(instance.json.compute.name, "vmss-agents_1");
    assert.equal(instance.json.compute.vmScaleSetName, "vmss-agents");
    assert.equal(instance.json.compute.vmSize, "Standard_D2s_v5");
    assert.match(instance.json.network.interface[0].ipv4.ipAddress[0].privateIpAddress, /^10\./);

    const vm = await imds(imdsEndpointFor(sandbox.origin, vmId));
    assert.equal(vm.status, 200);
    assert.deepEqual([vm.json.compute.resourceId, vm.json.compute.name, vm.json.compute.vmScaleSetName], [vmId, "vm-agent", ""]);
    assert.equal(vm.json.network.interface[0].ipv4.subnet[0].prefix.length > 0, true);
  });

  it("IMDS refuses a request without the Metadata header, without an api-version, and through a proxy", async () => {
    const endpoint = imdsEndpointFor(sandbox.origin, vmId);
    const noHeader = await fetch(`${endpoint}/metadata/instance?api-version=2021-02-01`);
    assert.equal(noHeader.status, 400);
    assert.match(((await noHeader.json()) as { error: string }).error, /Required metadata header not specified/);
    const noVersion = await imds(endpoint, "");
    assert.equal(noVersion.status, 400);
    assert.ok(Array.isArray(noVersion.json["newest-versions"]));
    const proxied = await fetch(`${endpoint}/metadata/instance?api-version=2021-02-01`, { headers: { Metadata: "true", "X-Forwarded-For": "10.0.0.1" } });
    assert.equal(proxied.status, 400);
  });

  it("finds the agent VNet from a scale-set instance through IMDS and the instance's NICs", async () => {
    const vnet = await discoverAgentVnet(sandboxClientsFor(sandbox), imdsEndpointFor(sandbox.origin, `${scaleSetId}/virtualMachines/0`));
    assert.equal(vnet.toLowerCase(), ids.agentVnetId.toLowerCase());
    const fromVm = await discoverAgentVnet(sandboxClientsFor(sandbox), imdsEndpointFor(sandbox.origin, vmId));
    assert.equal(fromVm.toLowerCase(), ids.agentVnetId.toLowerCase());
  });

  it("tells an IMDS that does not answer in time apart from a machine where nothing answers (not an Azure VM)", async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      await assert.rejects(readInstanceIdentity(`http://127.0.0.1:${port}`, 200), /did not answer within 200 ms/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
    const closed = await closedPort();
    await assert.rejects(
      readInstanceIdentity(`http://127.0.0.1:${closed}`, 1000),
      (error: Error) => /this machine is not an Azure VM \(nothing answers at .*ECONNREFUSED\)/.test(error.message) && !/did not answer/.test(error.message),
    );
  });
});

// IMDS JSON is indexed freely here, as a script would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function imds(endpoint: string, version = "2021-02-01"): Promise<{ status: number; json: any }> {
  const response = await fetch(`${endpoint}/metadata/instance${version ? `?api-version=${version}` : ""}`, { headers: { Metadata: "true" } });
  return { status: response.status, json: await response.json() };
}
