import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { errors, NET, type Planter, startPlanting } from "./compute-topology";

/**
 * Issue 11's faults planted with raw ARM PUTs on the reference scenario: each is an error naming the compute or the
 * resource at fault and the hop that breaks; the ready look-alikes produce no error.
 */
describe("readiness path model: where the work runs, and the path from it to each private endpoint", () => {
  let sandbox: RunningSandbox;
  let t: Planter;
  beforeEach(async () => {
    ({ sandbox, t } = await startPlanting());
  });
  afterEach(() => sandbox.close());

  it("a second cluster in its own VNet, not peered and not linked: each endpoint unreachable through the missing peering, each zone unlinked", async () => {
    const vnet = t.vnet("vnet-compute", "10.40.0.0/16", [["snet-compute", "10.40.1.0/24"]]);
    t.cluster("gpu-cluster", `${vnet}/subnets/snet-compute`);
    const report = await t.check();
    assert.equal(report.ready, false);
    const found = errors(report);
    assert.ok(
      found.every((f) => f.resourceId === vnet),
      JSON.stringify(found, null, 1),
    );
    const reach = found.filter((f) => f.id.startsWith("path.reach:gpu-cluster:"));
    assert.deepEqual(reach.map((f) => f.id.split(":").pop()).sort(), ["pe-acr", "pe-kv", "pe-mlw-secure", "pe-st-blob", "pe-st-file"]);
    const blob = reach.find((f) => f.id.endsWith(":pe-st-blob"));
    assert.match(
      blob?.message ?? "",
      /^gpu-cluster \(snet-compute in vnet-compute\) cannot reach pe-st-blob 10\.10\.2\.\d+:443: vnet-compute has no peering to vnet-aml\.$/,
    );
    assert.match(
      blob?.fix ?? "",
      /az network vnet peering create .*--vnet-name vnet-compute .*--remote-vnet \S+vnet-aml .* && az network vnet peering create .*--vnet-name vnet-aml .*--remote-vnet \S+vnet-compute/,
    );
    assert.equal(blob?.category, "peering");
    const dns = found.filter((f) => f.id.startsWith("dns.zone-linked:"));
    assert.equal(dns.length, 6);
    assert.ok(
      dns.every(
        (f) =>
          /is not linked to the vnet-compute, where gpu-cluster runs/.test(f.message) &&
          /az network private-dns link vnet create .*--virtual-network \S+vnet-compute/.test(f.fix),
      ),
    );

    // The ready look-alike: the same cluster, its VNet peered both ways and linked to every zone.
    t.peer(vnet, t.ids.amlVnetId);
    t.linkZones(vnet);
    const ready = await t.check();
    assert.deepEqual(ready.findings, []);
    assert.ok(ready.checks.some((c) => c.id === "path.reach:gpu-cluster:pe-st-file" && c.title.includes("TCP 443, 445")));
  });

  it("peered both ways but the zones not linked: only the DNS hop fails, on the compute VNet", async () => {
    const vnet = t.vnet("vnet-compute", "10.40.0.0/16", [["snet-compute", "10.40.1.0/24"]]);
    t.cluster("gpu-cluster", `${vnet}/subnets/snet-compute`);
    t.peer(vnet, t.ids.amlVnetId);
    const found = errors(await t.check());
    assert.deepEqual([...new Set(found.map((f) => f.category))], ["dns"]);
    assert.equal(found.length, 6);
    assert.ok(found.every((f) => f.resourceId === vnet && f.message.includes("gpu-cluster")));
  });

  it("an NSG on the agent subnet denying outbound TCP 443 to VirtualNetwork: every endpoint, named with the rule", async () => {
    const nsg = `${t.ids.net}/networkSecurityGroups/${t.ids.names.agentNsg}`;
    t.put(`${nsg}/securityRules/DenyVnetHttps`, NET, {
      properties: {
        priority: 200,
        direction: "Outbound",
        access: "Deny",
        protocol: "Tcp",
        sourceAddressPrefix: "*",
        sourcePortRange: "*",
        destinationAddressPrefix: "VirtualNetwork",
        destinationPortRange: "443",
      },
    });
    const found = errors(await t.check());
    assert.equal(found.length, 5, JSON.stringify(found, null, 1));
    assert.ok(found.every((f) => f.resourceId === nsg && f.category === "nsg" && f.id.startsWith("path.reach:vnet-bastion/snet-agents:")));
    assert.match(
      found[0].message,
      /^agents \(snet-agents in vnet-bastion\) cannot reach pe-\S+ 10\.10\.2\.\d+:443: rule DenyVnetHttps \(priority 200\) of NSG nsg-agents denies outbound TCP 443 to 10\.10\.2\.\d+\.( The same holds for 10\.10\.2\.\d+:443\.)?$/,
    );
    // The registry's login and data addresses are blocked alike: one finding, one rule naming both.
    const registry = found.find((f) => f.id.endsWith(":pe-acr"));
    assert.match(registry?.message ?? "", /cannot reach pe-acr 10\.10\.2\.10:443: .* The same holds for 10\.10\.2\.11:443\.$/);
    assert.match(registry?.fix ?? "", /--name Allow-pe-acr-443 .*--destination-address-prefixes 10\.10\.2\.10 10\.10\.2\.11 /);
    assert.match(
      found[0].fix,
      /^az network nsg rule create .*--nsg-name nsg-agents .*--priority 199 --direction Outbound --access Allow --protocol Tcp .*--destination-port-ranges 443$/,
    );
  });

  it("an NSG on the endpoint subnet with network policies enabled: 443 from the agents and 445 from the training subnet denied", async () => {
    const subnet = `${t.ids.amlVnetId}/subnets/${t.ids.names.endpointSubnet}`;
    const nsg = t.nsg("nsg-endpoints", [
      {
        name: "DenyAgentsHttps",
        priority: 200,
        direction: "Inbound",
        sourceAddressPrefix: "10.20.0.0/16",
        destinationAddressPrefix: "*",
        destinationPortRange: "443",
      },
      { name: "DenySmb", priority: 210, direction: "Inbound", sourceAddressPrefix: "10.10.1.0/24", destinationAddressPrefix: "*", destinationPortRange: "445" },
    ]);
    t.updateSubnet(subnet, { networkSecurityGroup: { id: nsg }, privateEndpointNetworkPolicies: "Enabled" });
    const found = errors(await t.check());
    assert.ok(
      found.every((f) => f.resourceId === nsg && f.category === "nsg"),
      JSON.stringify(found, null, 1),
    );
    const agents = found.filter((f) => f.id.startsWith("path.reach:vnet-bastion/snet-agents:"));
    assert.equal(agents.length, 5);
    assert.match(
      agents[0].message,
      /rule DenyAgentsHttps \(priority 200\) of NSG nsg-endpoints on endpoint subnet snet-endpoints \(privateEndpointNetworkPolicies Enabled\) denies inbound TCP 443 from 10\.20\.1\.0\/24/,
    );
    const smb = found.filter((f) => f.id.startsWith("path.reach:cpu-cluster:"));
    assert.deepEqual(
      smb.map((f) => f.id),
      ["path.reach:cpu-cluster:pe-st-file"],
    );
    assert.match(smb[0].message, /^cpu-cluster \(snet-training in vnet-aml\) cannot reach pe-st-file 10\.10\.2\.\d+:445: rule DenySmb/);

    // The ready look-alike: the same NSG, network policies Disabled (Azure's default): it does not filter endpoints.
    t.updateSubnet(subnet, { privateEndpointNetworkPolicies: "Disabled" });
    assert.deepEqual(errors(await t.check()), []);
  });

  it("agents in a spoke reach the endpoints through a hub appliance (transit is no finding); the onward peering refusing forwarded traffic is", async () => {
    const hub = t.vnet("vnet-hub", "10.0.0.0/16", [["AzureFirewallSubnet", "10.0.0.0/26"]]);
    const spoke = t.vnet("vnet-spoke-agents", "10.50.0.0/16", [["snet-agents", "10.50.1.0/24"]]);
    const table = `${t.ids.net}/routeTables/rt-spoke-agents`;
    t.put(table, NET, {
      location: "westeurope",
      properties: {
        routes: [{ name: "to-aml-through-hub", properties: { addressPrefix: "10.10.0.0/16", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" } }],
      },
    });
    t.updateSubnet(`${spoke}/subnets/snet-agents`, { routeTable: { id: table } });
    t.peer(spoke, hub);
    t.peer(hub, t.ids.amlVnetId);
    t.linkZones(spoke);
    const ready = await t.check(spoke);
    assert.deepEqual(ready.findings, []);
    assert.ok(ready.checks.some((c) => c.id === "path.reach:vnet-spoke-agents/snet-agents:pe-st-blob"));

    const onward = `${t.ids.amlVnetId}/virtualNetworkPeerings/to-vnet-hub`;
    t.put(onward, NET, { properties: { ...t.get(onward, NET).properties, allowForwardedTraffic: false } });
    const found = errors(await t.check(spoke));
    assert.equal(found.length, 5, JSON.stringify(found, null, 1));
    assert.ok(found.every((f) => f.resourceId === onward && f.category === "peering"));
    assert.match(
      found[0].message,
      /^agents \(snet-agents in vnet-spoke-agents\) cannot reach pe-\S+ 10\.10\.2\.\d+:443: peering to-vnet-hub from vnet-aml to vnet-hub has allowForwardedTraffic=false/,
    );
    assert.match(found[0].fix, /^az network vnet peering update --ids \S+to-vnet-hub --set allowForwardedTraffic=true$/);
  });

  it("the spoke's route points at an appliance in no VNet it is peered to: the route table is at fault", async () => {
    const spoke = t.vnet("vnet-spoke-agents", "10.50.0.0/16", [["snet-agents", "10.50.1.0/24"]]);
    const table = `${t.ids.net}/routeTables/rt-spoke-agents`;
    t.put(table, NET, {
      location: "westeurope",
      properties: {
        routes: [{ name: "to-aml", properties: { addressPrefix: "10.10.0.0/16", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" } }],
      },
    });
    t.updateSubnet(`${spoke}/subnets/snet-agents`, { routeTable: { id: table } });
    t.linkZones(spoke);
    const found = errors(await t.check(spoke)).filter((f) => f.id.startsWith("path.reach:"));
    assert.equal(found.length, 5);
    assert.ok(found.every((f) => f.resourceId === table && f.category === "route"));
    assert.match(
      found[0].message,
      /route to-aml \(10\.10\.0\.0\/16\) of route table rt-spoke-agents → VirtualAppliance 10\.0\.0\.4, but 10\.0\.0\.4 is neither in vnet-spoke-agents nor in a VNet peered to it/,
    );
  });
});
