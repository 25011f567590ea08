import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { errors, ML, NET, type Planter, startPlanting } from "./compute-topology";

const COMPUTE_API = "2024-11-01";
const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq1b4m4c0Nn0w4gk0rJ2kq0n3C5Zs3YbV4C6JdS0f9U amlvnet@test";
const OTHER_SUBSCRIPTION = "0d0d0d0d-3333-4444-8555-0000000000c3";

/** Every compute judged where it runs: no subnet, region, managed network, attached VMs, unreadable networks. */
describe("readiness: every compute of the workspace is judged", () => {
  let sandbox: RunningSandbox;
  let t: Planter;
  beforeEach(async () => {
    ({ sandbox, t } = await startPlanting());
  });
  afterEach(() => sandbox.close());

  it("a cluster with no subnet while storage, vault and registry are private only is an error naming it; a managed network covers it", async () => {
    const compute = t.cluster("cpu-nosubnet", undefined);
    const found = errors(await t.check());
    assert.deepEqual(
      found.map((f) => [f.id, f.category, f.resourceId]),
      [["compute.network:cpu-nosubnet", "compute", compute]],
    );
    assert.match(
      found[0].message,
      /^AmlCompute cpu-nosubnet has no subnet, so it runs outside your virtual networks, but storage account stmlwsecure \(publicNetworkAccess Disabled\), key vault kv-mlw-secure \(publicNetworkAccess Disabled\), container registry acrmlwsecure \(publicNetworkAccess Disabled\) accept only private traffic/,
    );
    assert.match(found[0].fix, /az ml compute create --name cpu-nosubnet --type AmlCompute --vnet-name <vnet> --subnet <subnet>/);

    // With a managed network the workspace's managed computes need no subnet, nor customer endpoints for vault.
    const ws = t.get(t.ids.workspaceId, ML);
    t.put(t.ids.workspaceId, ML, {
      location: ws.location,
      identity: { type: "SystemAssigned" },
      properties: { ...ws.properties, managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound" } },
    });
    sandbox.armClient.delete(`${t.ids.net}/privateEndpoints/pe-kv`, NET);
    const report = await t.check();
    // The reference's attached AKS compute is not a managed compute: it still needs the vault endpoint (inference checks).
    assert.deepEqual(
      errors(report).filter((f) => f.category !== "inference"),
      [],
    );
    assert.ok(!report.checks.some((c) => c.id.startsWith("private-endpoint.exists:vault")));
    assert.ok(
      report.checks.some((c) => c.id === "private-endpoint.exists:amlworkspace:mlw-secure"),
      "the agents still need the workspace endpoint",
    );
  });

  it("the sandbox refuses an unknown isolation mode and turning a managed network off", () => {
    const ws = t.get(t.ids.workspaceId, ML);
    const putMode = (mode: string) =>
      sandbox.armClient.request("PUT", t.ids.workspaceId, ML, {
        location: ws.location,
        properties: { ...ws.properties, managedNetwork: { isolationMode: mode } },
      });
    const bogus = putMode("Open");
    assert.equal(bogus.status, 400);
    assert.match(JSON.stringify(bogus.body), /managedNetwork\.isolationMode 'Open' is not valid/);
    assert.equal(putMode("AllowInternetOutbound").status < 300, true);
    const managed = t.get(t.ids.workspaceId, "2024-10-01").properties.managedNetwork as { isolationMode: string; status: { status: string } };
    assert.deepEqual([managed.isolationMode, managed.status.status], ["AllowInternetOutbound", "Active"]);
    const off = putMode("Disabled");
    assert.equal(off.status, 400);
    assert.match(JSON.stringify(off.body), /cannot be disabled once enabled/);
  });

  it("a compute instance in another region is an error; a cluster in another region is one only for a private-endpoint workspace", async () => {
    const subnet = `${t.ids.amlVnetId}/subnets/${t.ids.names.trainingSubnet}`;
    const instance = t.cluster("ci-elsewhere", subnet, { type: "ComputeInstance", location: "northeurope" });
    const cluster = t.cluster("cluster-elsewhere", subnet, { location: "northeurope" });
    const found = errors(await t.check()).filter((f) => f.id.startsWith("compute.region:"));
    assert.deepEqual(found.map((f) => [f.id, f.resourceId]).sort(), [
      ["compute.region:ci-elsewhere", instance],
      ["compute.region:cluster-elsewhere", cluster],
    ]);
    assert.match(found.find((f) => f.resourceId === instance)?.message ?? "", /compute instances must be in the workspace's region/);
    assert.match(found.find((f) => f.resourceId === cluster)?.message ?? "", /not supported when the workspace has a private endpoint/);
    const shape = t.get(instance, ML).properties.properties as Record<string, unknown>;
    assert.deepEqual(
      [shape.state, shape.applicationSharingPolicy, (shape.sshSettings as Record<string, unknown>).sshPublicAccess],
      ["Running", "Shared", "Disabled"],
    );
  });

  it("an attached VM: SSH 22 from AzureMachineLearning denied by its NIC's NSG is an error on that NSG; its flows are judged too", async () => {
    const vnet = t.vnet("vnet-dsvm", "10.60.0.0/16", [["snet-dsvm", "10.60.1.0/24"]]);
    t.peer(vnet, t.ids.amlVnetId);
    t.linkZones(vnet);
    const nsg = t.nsg("nsg-dsvm", [
      {
        name: "DenySshFromInternet",
        priority: 300,
        direction: "Inbound",
        sourceAddressPrefix: "Internet",
        destinationAddressPrefix: "*",
        destinationPortRange: "22",
      },
    ]);
    const nic = `${t.ids.net}/networkInterfaces/nic-dsvm`;
    t.put(nic, NET, {
      location: "westeurope",
      properties: { networkSecurityGroup: { id: nsg }, ipConfigurations: [{ name: "ipconfig1", properties: { subnet: { id: `${vnet}/subnets/snet-dsvm` } } }] },
    });
    const vm = `${t.ids.rg}/providers/Microsoft.Compute/virtualMachines/dsvm`;
    t.put(vm, COMPUTE_API, {
      location: "westeurope",
      properties: {
        hardwareProfile: { vmSize: "Standard_D4s_v5" },
        storageProfile: {
          imageReference: { publisher: "microsoft-dsvm", offer: "ubuntu-2204", sku: "2204-gen2", version: "latest" },
          osDisk: { createOption: "FromImage", managedDisk: { storageAccountType: "StandardSSD_LRS" } },
        },
        osProfile: {
          adminUsername: "azureuser",
          linuxConfiguration: {
            disablePasswordAuthentication: true,
            ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: SSH_KEY }] },
          },
        },
        networkProfile: { networkInterfaces: [{ id: nic, properties: { primary: true } }] },
      },
    });
    const compute = t.computeId("dsvm");
    t.put(compute, ML, {
      location: "westeurope",
      properties: { computeType: "VirtualMachine", resourceId: vm, properties: { virtualMachineSize: "Standard_D4s_v5", sshPort: 22 } },
    });
    const report = await t.check();
    assert.deepEqual(
      errors(report).map((f) => [f.id, f.resourceId]),
      [["compute.ssh-inbound:dsvm", nsg]],
    );
    assert.match(
      errors(report)[0].message,
      /Attached VM dsvm: rule DenySshFromInternet \(priority 300\) of NSG nsg-dsvm denies inbound TCP 22 from AzureMachineLearning/,
    );
    assert.ok(report.checks.some((c) => c.id === "path.reach:dsvm:pe-st-file" && c.findingIds.length === 0));

    t.put(`${nsg}/securityRules/AllowAzureMLSsh`, NET, {
      properties: {
        priority: 290,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefix: "AzureMachineLearning",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "22",
      },
    });
    assert.deepEqual(errors(await t.check()), []);
    const missing = sandbox.armClient.request("PUT", t.computeId("ghost"), ML, {
      location: "westeurope",
      properties: { computeType: "VirtualMachine", resourceId: `${t.ids.rg}/providers/Microsoft.Compute/virtualMachines/ghost` },
    });
    assert.equal(missing.status, 400);
  });

  it("a compute whose subnet sits in a subscription this identity cannot read is a warning naming the permission, not a crash", async () => {
    sandbox.directory.subscriptions.add(OTHER_SUBSCRIPTION);
    const grant = { scope: `/subscriptions/${OTHER_SUBSCRIPTION}`, role: "Contributor" as const };
    sandbox.directory.defaultApp.roleAssignments.push(grant);
    const rg = `/subscriptions/${OTHER_SUBSCRIPTION}/resourceGroups/rg-other`;
    t.put(rg, "2024-03-01", { location: "westeurope" });
    const vnet = t.vnetId("vnet-other", rg);
    t.put(vnet, NET, {
      location: "westeurope",
      properties: { addressSpace: { addressPrefixes: ["10.70.0.0/16"] }, subnets: [{ name: "snet-other", properties: { addressPrefix: "10.70.1.0/24" } }] },
    });
    const compute = t.cluster("cluster-other", `${vnet}/subnets/snet-other`);
    sandbox.directory.defaultApp.roleAssignments.splice(sandbox.directory.defaultApp.roleAssignments.indexOf(grant), 1);
    const report = await t.check();
    const warning = report.findings.find((f) => f.id === "compute.network:cluster-other");
    assert.equal(warning?.severity, "warning");
    assert.equal(warning?.resourceId, compute);
    assert.match(warning?.message ?? "", /cannot be read.*lacks 'Microsoft\.Network\/virtualNetworks\/read'/);
    assert.match(warning?.fix ?? "", new RegExp(`az role assignment create --role Reader --scope /subscriptions/${OTHER_SUBSCRIPTION}`));
    assert.deepEqual(errors(report), []);
  });
});
