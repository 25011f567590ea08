import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm, rejectsWithCode, rgId, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

describe("sandbox: Microsoft.Network through @azure/arm-network", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  const rg = "rg-contract";
  before(async () => {
    sandbox = await startTestSandbox({ lroMs: 300, pageSize: 3 });
    clients = sandboxClients(sandbox);
    const created = await rawArm(sandbox, clients.credential, "PUT", `${rgId(sandbox, rg)}?api-version=2024-03-01`, { location: "westeurope" });
    assert.equal(created.status, 201);
  });
  after(() => sandbox.close());

  const vnet = (prefix: string, subnets: Array<[string, string]> = [], location = "westeurope") => ({
    location,
    addressSpace: { addressPrefixes: [prefix] },
    subnets: subnets.map(([name, addressPrefix]) => ({ name, addressPrefix })),
  });

  it("creates a VNet with inline subnets through the SDK poller and reads subnets as child resources", async () => {
    const poller = await clients.network.virtualNetworks.beginCreateOrUpdate(
      rg,
      "vnet-a",
      vnet("10.1.0.0/16", [
        ["snet-1", "10.1.1.0/24"],
        ["snet-2", "10.1.2.0/24"],
      ]),
    );
    // The 201 carried Azure-AsyncOperation: the poller follows the operation, not the resource.
    assert.match(
      String((JSON.parse(poller.toString()) as { state: { config: { operationLocation?: string } } }).state.config.operationLocation),
      /\/providers\/Microsoft\.Network\/locations\/westeurope\/operations\/[^/?]+\?api-version=/,
    );
    const created = await poller.pollUntilDone();
    assert.equal(created.provisioningState, "Succeeded");
    assert.deepEqual(
      created.subnets?.map((s) => s.name),
      ["snet-1", "snet-2"],
    );
    const subnet = await clients.network.subnets.get(rg, "VNET-A", "snet-2");
    assert.equal(subnet.addressPrefix, "10.1.2.0/24");
    assert.match(subnet.id ?? "", /\/virtualNetworks\/vnet-a\/subnets\/snet-2$/);
  });

  it("pages list results with nextLink and the SDK follows every page", async () => {
    for (let i = 0; i < 5; i++) await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, `vnet-page-${i}`, vnet(`10.${100 + i}.0.0/16`));
    const names: string[] = [];
    for await (const item of clients.network.virtualNetworks.list(rg)) names.push(item.name as string);
    assert.ok(
      ["vnet-page-0", "vnet-page-4", "vnet-a"].every((n) => names.includes(n)),
      names.join(","),
    );
    const firstPage = await rawArm(
      sandbox,
      clients.credential,
      "GET",
      `${rgId(sandbox, rg)}/providers/Microsoft.Network/virtualNetworks?api-version=2024-07-01`,
    );
    assert.equal(firstPage.json.value.length, 3);
    assert.match(firstPage.json.nextLink, /\$skipToken=3/);
    const all: string[] = [];
    for await (const item of clients.network.virtualNetworks.listAll()) all.push(item.name as string);
    assert.equal(all.length, names.length);
  });

  it("refuses subnets outside the VNet or overlapping a sibling, and an NSG from another region", async () => {
    await rejectsWithCode(
      clients.network.subnets.beginCreateOrUpdateAndWait(rg, "vnet-a", "outside", { addressPrefix: "10.2.0.0/24" }),
      "NetcfgSubnetRangeOutsideVnet",
    );
    await rejectsWithCode(
      clients.network.subnets.beginCreateOrUpdateAndWait(rg, "vnet-a", "overlap", { addressPrefix: "10.1.1.128/25" }),
      "NetcfgSubnetRangesOverlap",
    );
    const nsg = await clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait(rg, "nsg-eastus", { location: "eastus" });
    await rejectsWithCode(
      clients.network.subnets.beginCreateOrUpdateAndWait(rg, "vnet-a", "snet-3", { addressPrefix: "10.1.3.0/24", networkSecurityGroup: { id: nsg.id } }),
      "InvalidResourceReference",
    );
    const after = await clients.network.virtualNetworks.get(rg, "vnet-a");
    assert.deepEqual(
      after.subnets?.map((s) => s.name),
      ["snet-1", "snet-2"],
      "a refused write leaves nothing behind",
    );
  });

  it("derives peering state: Initiated, then Connected and FullyInSync both ways, Disconnected when one side goes", async () => {
    await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, "vnet-b", vnet("10.50.0.0/16"));
    const a = await clients.network.virtualNetworks.get(rg, "vnet-a");
    const b = await clients.network.virtualNetworks.get(rg, "vnet-b");
    const ab = await clients.network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(rg, "vnet-a", "a-to-b", { remoteVirtualNetwork: { id: b.id } });
    assert.equal(ab.peeringState, "Initiated");
    await clients.network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(rg, "vnet-b", "b-to-a", { remoteVirtualNetwork: { id: a.id } });
    for (const [v, p] of [
      ["vnet-a", "a-to-b"],
      ["vnet-b", "b-to-a"],
    ]) {
      const peering = await clients.network.virtualNetworkPeerings.get(rg, v, p);
      assert.deepEqual([peering.peeringState, peering.peeringSyncLevel], ["Connected", "FullyInSync"]);
    }
    assert.deepEqual(
      (await clients.network.virtualNetworks.get(rg, "vnet-a")).virtualNetworkPeerings?.map((p) => p.name),
      ["a-to-b"],
    );
    await clients.network.virtualNetworkPeerings.beginDeleteAndWait(rg, "vnet-b", "b-to-a");
    assert.equal((await clients.network.virtualNetworkPeerings.get(rg, "vnet-a", "a-to-b")).peeringState, "Disconnected");
    await rejectsWithCode(
      clients.network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(rg, "vnet-b", "b-to-a", { remoteVirtualNetwork: { id: a.id } }),
      "RemotePeeringIsDisconnected",
    );
    await clients.network.virtualNetworkPeerings.beginDeleteAndWait(rg, "vnet-a", "a-to-b");
  });

  it("refuses to peer overlapping address spaces", async () => {
    const c = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, "vnet-c", vnet("10.1.128.0/17"));
    const error = await rejectsWithCode(
      clients.network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(rg, "vnet-a", "a-to-c", { remoteVirtualNetwork: { id: c.id } }),
      "VnetAddressSpacesOverlap",
    );
    assert.match(error.message, /10\.1\.0\.0\/16, 10\.1\.128\.0\/17/);
  });

  it("refuses to delete a VNet whose subnet holds a NIC, then deletes it once the NIC is gone", async () => {
    const subnet = await clients.network.subnets.get(rg, "vnet-a", "snet-1");
    const nic = await clients.network.networkInterfaces.beginCreateOrUpdateAndWait(rg, "nic-1", {
      location: "westeurope",
      ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnet.id } }],
    });
    assert.equal(nic.ipConfigurations?.[0].privateIPAddress, "10.1.1.4", "Azure hands out .4 first");
    assert.deepEqual(
      (await clients.network.subnets.get(rg, "vnet-a", "snet-1")).ipConfigurations?.map((c) => c.id),
      [nic.ipConfigurations?.[0].id],
    );
    await rejectsWithCode(clients.network.virtualNetworks.beginDeleteAndWait(rg, "vnet-a"), "InUseSubnetCannotBeDeleted");
    await clients.network.networkInterfaces.beginDeleteAndWait(rg, "nic-1");
    await clients.network.virtualNetworks.beginDeleteAndWait(rg, "vnet-a");
    await rejectsWithCode(clients.network.virtualNetworks.get(rg, "vnet-a"), "ResourceNotFound");
  });

  it("answers ARM protocol errors: missing and unsupported api-version, no token, unknown group, case-insensitive IDs", async () => {
    const base = `${rgId(sandbox, rg)}/providers/Microsoft.Network/virtualNetworks/vnet-b`;
    assert.equal((await rawArm(sandbox, clients.credential, "GET", base)).json.error.code, "MissingApiVersionParameter");
    const unsupported = await rawArm(sandbox, clients.credential, "GET", `${base}?api-version=2099-01-01`);
    assert.deepEqual([unsupported.status, unsupported.json.error.code], [400, "NoRegisteredProviderFound"]);
    const anonymous = await fetch(`${sandbox.origin}${base}?api-version=2024-07-01`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Bearer authorization_uri=/);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, "AuthenticationFailed");
    await rejectsWithCode(clients.network.virtualNetworks.get("rg-missing", "vnet-b"), "ResourceGroupNotFound");
    const upper = await rawArm(
      sandbox,
      clients.credential,
      "GET",
      `${base.toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/")}?api-version=2024-07-01`,
    );
    assert.equal(upper.status, 200);
    assert.equal(upper.json.name, "vnet-b");
  });
});
