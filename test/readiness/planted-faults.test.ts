import assert from "node:assert/strict";
import { runReadinessCheck } from "../../readiness/engine";
import type { Finding, ReadinessReport } from "../../readiness/finding";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { type ReferenceIds, sandboxClientsFor, startReferenceSandbox } from "./helpers";

const NET = "2024-07-01";
const DNS = "2024-06-01";
const ML = "2024-04-01";

/**
 * One fault per test, planted through the sandbox's ARM API on the reference architecture: the check must report
 * it with the right category and resource, and applying the fix it names (here through ARM) must make it pass.
 */
describe("readiness engine: planted faults are found, and their fix makes the next check pass", () => {
  let sandbox: RunningSandbox;
  let ids: ReferenceIds;
  beforeEach(async () => {
    ({ sandbox, ids } = await startReferenceSandbox());
  });
  afterEach(() => sandbox.close());

  const check = (agentVnetId = ids.agentVnetId): Promise<ReadinessReport> =>
    runReadinessCheck({ workspaceId: ids.workspaceId, agentVnetId, cloud: "AzureCloud", failOn: "error" }, sandboxClientsFor(sandbox));
  const put = (id: string, version: string, body: unknown) => sandbox.armClient.put(id, version, body);
  // ARM bodies are indexed freely in set-up code.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const get = (id: string, version: string) => sandbox.armClient.get(id, version) as { properties: Record<string, any> } & Record<string, any>;
  const only = (report: ReadinessReport, predicate: (f: Finding) => boolean): Finding => {
    const found = report.findings.filter(predicate);
    assert.equal(found.length, 1, JSON.stringify(report.findings, null, 1));
    return found[0];
  };
  const assertClean = async () => {
    const report = await check();
    assert.deepEqual(
      report.findings.map((f) => f.id),
      [],
    );
    assert.equal(report.ready, true);
  };

  it("dns: a zone not linked to the agent VNet", async () => {
    const link = `${ids.zoneId("privatelink.api.azureml.ms")}/virtualNetworkLinks/link-vnet-bastion`;
    sandbox.armClient.delete(link, DNS);
    const report = await check();
    assert.equal(report.ready, false);
    const finding = only(report, (f) => f.category === "dns");
    assert.equal(finding.id, "dns.zone-linked:privatelink.api.azureml.ms:vnet-bastion");
    assert.equal(finding.resourceId, ids.zoneId("privatelink.api.azureml.ms"));
    assert.match(
      finding.fix,
      /^az network private-dns link vnet create .*--zone-name privatelink\.api\.azureml\.ms .*--virtual-network \/subscriptions\/.*vnet-bastion/,
    );
    put(link, DNS, { location: "global", properties: { virtualNetwork: { id: ids.agentVnetId }, registrationEnabled: false } });
    await assertClean();
  });

  it("dns: an A record missing from its zone", async () => {
    const zone = ids.zoneId("privatelink.azurecr.io");
    sandbox.armClient.delete(`${zone}/A/acrmlwsecure`, DNS);
    const finding = only(await check(), (f) => f.category === "dns");
    assert.equal(finding.id, "dns.record:acrmlwsecure.azurecr.io");
    assert.match(finding.fix, /az network private-endpoint dns-zone-group create .*--endpoint-name pe-acr/);
    const group = `${ids.net}/privateEndpoints/pe-acr/privateDnsZoneGroups/default`;
    put(group, NET, { properties: get(group, NET).properties });
    await assertClean();
  });

  it("dns: the managed online endpoints' wildcard record missing from privatelink.api.azureml.ms", async () => {
    const zone = ids.zoneId("privatelink.api.azureml.ms");
    const guid = (get(ids.workspaceId, ML).properties.workspaceId as string).toLowerCase();
    const wildcard = `${zone}/A/*.${guid}.inference.westeurope`;
    const body = get(wildcard, DNS);
    sandbox.armClient.delete(wildcard, DNS);
    const finding = only(await check(), (f) => f.category === "dns");
    assert.equal(finding.id, "dns.record:*.westeurope.inference.ml.azure.com");
    assert.equal(finding.resourceId, zone);
    assert.match(finding.message, new RegExp(`No A record \\*\\.${guid}\\.inference\\.westeurope in privatelink\\.api\\.azureml\\.ms`));
    put(wildcard, DNS, { properties: { ttl: 10, aRecords: body.properties.aRecords } });
    await assertClean();
  });

  it("dns: custom DNS servers on the agent VNet need a conditional forwarder (warning)", async () => {
    const vnet = get(ids.agentVnetId, NET);
    put(ids.agentVnetId, NET, { location: vnet.location, properties: { ...vnet.properties, dhcpOptions: { dnsServers: ["10.20.1.10"] } } });
    const report = await check();
    assert.equal(report.ready, true, "warnings do not fail with --fail-on error");
    assert.ok(
      report.findings.length >= 6 && report.findings.every((f) => f.severity === "warning" && f.category === "dns" && f.resourceId === ids.agentVnetId),
    );
    assert.match(report.findings[0].fix, /conditional forwarder for .* to 168\.63\.129\.16/);
    put(ids.agentVnetId, NET, { location: vnet.location, properties: { ...vnet.properties, dhcpOptions: { dnsServers: [] } } });
    await assertClean();
  });

  it("peering: the agent side deleted leaves the other Disconnected; the fix re-creates both", async () => {
    sandbox.armClient.delete(`${ids.agentVnetId}/virtualNetworkPeerings/vp_basvnet_amlvnet`, NET);
    const report = await check();
    const peering = report.findings.filter((f) => f.id.startsWith("peering."));
    assert.deepEqual(peering.map((f) => f.id).sort(), ["peering.connected:vnet-aml:vnet-bastion", "peering.connected:vnet-bastion:vnet-aml"]);
    assert.match(peering.find((f) => f.id.endsWith("vnet-aml:vnet-bastion"))?.message ?? "", /is Disconnected/);
    // The path model names the broken hop for every endpoint the agents need: the peering left Disconnected.
    const paths = report.findings.filter((f) => f.id.startsWith("path.reach:vnet-bastion/snet-agents:"));
    assert.deepEqual(paths.map((f) => f.id.split(":").pop()).sort(), ["pe-acr", "pe-kv", "pe-mlw-secure", "pe-st-blob", "pe-st-file"]);
    assert.ok(
      paths.every((f) => f.severity === "error" && f.resourceId === ids.agentVnetId),
      JSON.stringify(paths, null, 1),
    );
    assert.match(
      paths[0].message,
      /^agents \(snet-agents in vnet-bastion\) cannot reach pe-\S+ 10\.10\.2\.\d+:443: vnet-bastion has no peering to vnet-aml, and vnet-aml's peering vp_amlvnet_basvnet back is Disconnected/,
    );
    assert.match(
      paths[0].fix,
      /^az network vnet peering delete --ids \S+vp_amlvnet_basvnet && az network vnet peering create .*--vnet-name vnet-bastion .* && az network vnet peering create .*--vnet-name vnet-aml /,
    );
    sandbox.armClient.delete(`${ids.amlVnetId}/virtualNetworkPeerings/vp_amlvnet_basvnet`, NET);
    put(`${ids.amlVnetId}/virtualNetworkPeerings/vp_amlvnet_basvnet`, NET, {
      properties: { remoteVirtualNetwork: { id: ids.agentVnetId }, allowVirtualNetworkAccess: true },
    });
    put(`${ids.agentVnetId}/virtualNetworkPeerings/vp_basvnet_amlvnet`, NET, {
      properties: { remoteVirtualNetwork: { id: ids.amlVnetId }, allowVirtualNetworkAccess: true },
    });
    await assertClean();
  });

  it("peering: an agent VNet overlapping the AML VNet cannot be peered", async () => {
    const overlapping = `${ids.net}/virtualNetworks/vnet-agents-overlap`;
    put(overlapping, NET, { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.10.0.0/16"] } } });
    const report = await check(overlapping);
    const finding = only(report, (f) => f.id.startsWith("peering.no-overlap"));
    assert.equal(finding.severity, "error");
    assert.match(finding.message, /10\.10\.0\.0\/16 overlaps 10\.10\.0\.0\/16/);
    assert.equal(finding.resourceId, overlapping);
  });

  it("private-endpoint: a missing file endpoint", async () => {
    sandbox.armClient.delete(`${ids.net}/privateEndpoints/pe-st-file`, NET);
    const report = await check();
    const finding = only(report, (f) => f.category === "private-endpoint");
    assert.equal(finding.id, "private-endpoint.exists:file:stmlwsecure");
    assert.match(finding.fix, /az network private-endpoint create .*--group-id file/);
  });

  it("private-endpoint: a manual connection still Pending, approved through its target", async () => {
    const vaultId = `${ids.rg}/providers/Microsoft.KeyVault/vaults/kv-mlw-secure`;
    const endpoint = `${ids.net}/privateEndpoints/pe-kv-manual`;
    sandbox.armClient.delete(`${ids.net}/privateEndpoints/pe-kv`, NET);
    put(endpoint, NET, {
      location: "westeurope",
      properties: {
        subnet: { id: `${ids.amlVnetId}/subnets/snet-endpoints` },
        manualPrivateLinkServiceConnections: [{ name: "kv", properties: { privateLinkServiceId: vaultId, groupIds: ["vault"] } }],
      },
    });
    put(`${endpoint}/privateDnsZoneGroups/default`, NET, {
      properties: { privateDnsZoneConfigs: [{ name: "kv", properties: { privateDnsZoneId: ids.zoneId("privatelink.vaultcore.azure.net") } }] },
    });
    const finding = only(await check(), (f) => f.category === "private-endpoint");
    assert.equal(finding.id, "private-endpoint.approved:pe-kv-manual");
    const connectionId = /--id (\S+)/.exec(finding.fix)?.[1] as string;
    assert.match(connectionId, /\/vaults\/kv-mlw-secure\/privateEndpointConnections\//);
    assert.equal(finding.resourceId, connectionId);
    put(connectionId, "2024-11-01", { properties: { privateLinkServiceConnectionState: { status: "Approved", description: "ok" } } });
    await assertClean();
  });

  it("subnet: a delegated compute subnet", async () => {
    const subnet = `${ids.amlVnetId}/subnets/snet-training`;
    const body = get(subnet, NET);
    put(subnet, NET, { properties: { ...body.properties, delegations: [{ name: "d", properties: { serviceName: "Microsoft.Web/serverFarms" } }] } });
    const finding = only(await check(), (f) => f.category === "subnet");
    assert.deepEqual([finding.id, finding.resourceId], ["subnet.not-delegated:snet-training", subnet]);
    put(subnet, NET, { properties: { ...body.properties, delegations: [] } });
    await assertClean();
  });

  it("subnet: more nodes than free addresses", async () => {
    const compute = `${ids.workspaceId}/computes/cpu-cluster`;
    const body = get(compute, ML);
    const withMax = (max: number) => ({
      location: body.location,
      properties: {
        ...body.properties,
        properties: { ...body.properties.properties, scaleSettings: { ...body.properties.properties.scaleSettings, maxNodeCount: max } },
      },
    });
    put(compute, ML, withMax(300));
    const finding = only(await check(), (f) => f.category === "subnet");
    assert.equal(finding.id, "subnet.capacity:snet-training");
    assert.match(finding.message, /251 free addresses .* grow to 300 nodes/);
    put(compute, ML, withMax(251));
    await assertClean();
  });

  it("subnet: running nodes hold subnet addresses and are counted once, not as ipConfigurations and again as nodes", async () => {
    const compute = `${ids.workspaceId}/computes/cpu-cluster`;
    const subnet = `${ids.amlVnetId}/subnets/snet-training`;
    const body = get(compute, ML);
    const scaled = (min: number, max: number) => ({
      location: body.location,
      properties: {
        ...body.properties,
        properties: { ...body.properties.properties, scaleSettings: { ...body.properties.properties.scaleSettings, minNodeCount: min, maxNodeCount: max } },
      },
    });
    const inUse = () => ((get(subnet, NET).properties.ipConfigurations ?? []) as unknown[]).length;
    const before = inUse();
    put(compute, ML, scaled(10, 251 - before));
    assert.equal(get(compute, ML).properties.properties.currentNodeCount, 10);
    assert.equal(inUse(), before + 10, "ten running nodes take ten addresses of the subnet");
    await assertClean();
    put(compute, ML, scaled(10, 252 - before));
    const finding = only(await check(), (f) => f.category === "subnet");
    assert.equal(finding.id, "subnet.capacity:snet-training");
    assert.match(
      finding.message,
      new RegExp(`has ${241 - before} free addresses .*10 of them by running nodes.* grow to ${252 - before} nodes, ${242 - before} more addresses`),
    );
    put(compute, ML, scaled(0, 4));
    assert.equal(inUse(), before, "nodes that stop give their addresses back");
  });

  it("route: forced tunnelling without the AzureMachineLearning and BatchNodeManagement routes", async () => {
    const table = `${ids.net}/routeTables/rt-training`;
    put(table, NET, {
      location: "westeurope",
      properties: { routes: [{ name: "default", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.10.3.4" } }] },
    });
    const subnet = `${ids.amlVnetId}/subnets/snet-training`;
    const body = get(subnet, NET);
    put(subnet, NET, { properties: { ...body.properties, routeTable: { id: table } } });
    const findings = (await check()).findings.filter((f) => f.category === "route" && f.severity === "error");
    assert.equal(findings.length, 2);
    assert.ok(findings.every((f) => f.resourceId === table));
    assert.ok(findings.some((f) => /--address-prefix AzureMachineLearning --next-hop-type Internet/.test(f.fix)));
    assert.ok(findings.some((f) => /--address-prefix BatchNodeManagement\.westeurope --next-hop-type Internet/.test(f.fix)));
    put(`${table}/routes/aml`, NET, { properties: { addressPrefix: "AzureMachineLearning", nextHopType: "Internet" } });
    put(`${table}/routes/batch`, NET, { properties: { addressPrefix: "BatchNodeManagement.westeurope", nextHopType: "Internet" } });
    // 10.10.3.4 is no Azure Firewall: what it must pass stays a warning.
    const after = await check();
    assert.equal(after.ready, true);
    assert.deepEqual(
      after.findings.map((f) => [f.id, f.severity]),
      [["route.appliance:snet-training", "warning"]],
    );
  });

  it("route: no-public-IP compute without NAT gateway or firewall", async () => {
    const compute = `${ids.workspaceId}/computes/cpu-cluster`;
    const body = get(compute, ML);
    put(compute, ML, { location: body.location, properties: { ...body.properties, properties: { ...body.properties.properties, enableNodePublicIp: false } } });
    const finding = only(await check(), (f) => f.category === "route");
    assert.equal(finding.id, "route.outbound-path:snet-training");
    const ip = `${ids.net}/publicIPAddresses/pip-nat`;
    put(ip, NET, { location: "westeurope", sku: { name: "Standard" } });
    put(`${ids.net}/natGateways/nat-snet-training`, NET, { location: "westeurope", properties: { publicIpAddresses: [{ id: ip }] } });
    const subnet = `${ids.amlVnetId}/subnets/snet-training`;
    put(subnet, NET, { properties: { ...get(subnet, NET).properties, natGateway: { id: `${ids.net}/natGateways/nat-snet-training` } } });
    const after = await check();
    assert.deepEqual(
      after.findings.filter((f) => f.category === "route"),
      [],
    );
  });

  it("workspace: public network access left enabled (warning)", async () => {
    const ws = get(ids.workspaceId, ML);
    put(ids.workspaceId, ML, { location: ws.location, identity: { type: "SystemAssigned" }, properties: { ...ws.properties, publicNetworkAccess: "Enabled" } });
    const report = await check();
    const finding = only(report, (f) => f.category === "workspace");
    assert.deepEqual([finding.severity, finding.id, report.ready], ["warning", "workspace.public-network-access:mlw-secure", true]);
    assert.match(finding.fix, /az ml workspace update --name mlw-secure --resource-group rg-mlops-secure --public-network-access Disabled/);
  });

  it("registry: public network access left enabled (warning)", async () => {
    const registryId = `${ids.rg}/providers/Microsoft.ContainerRegistry/registries/acrmlwsecure`;
    const registry = get(registryId, "2025-04-01");
    put(registryId, "2025-04-01", { location: registry.location, sku: registry.sku, properties: { publicNetworkAccess: "Enabled" } });
    const finding = only(await check(), (f) => f.category === "registry");
    assert.deepEqual([finding.id, finding.resourceId], ["registry.public-network-access:acrmlwsecure", registryId]);
  });
});
