import assert from "node:assert/strict";
import type { AmlCompute } from "@azure/arm-machinelearning";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { referenceNames } from "../../sandbox/scenarios/reference-topology";
import { rawArm, rejectsWithCode, rgId, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Private zones whose public names are not simply the zone without "privatelink." (Azure's private endpoint DNS table). */
const PUBLIC_SUFFIX: Record<string, string> = { "privatelink.vaultcore.azure.net": "vault.azure.net" };

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

describe("sandbox: the reference scenario through @azure/arm-machinelearning, network and private DNS", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  let n: ReturnType<typeof referenceNames>;
  let rg: string;
  const raw = (method: string, path: string, body?: unknown) => rawArm(sandbox, clients.credential, method, path, body);
  const subnetId = (vnet: string, subnet: string) => `${rgId(sandbox, rg)}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${subnet}`;

  before(async () => {
    sandbox = await startTestSandbox({ scenario: "reference", lroMs: 0 });
    clients = sandboxClients(sandbox);
    n = referenceNames(sandbox.env.AZURE_SUBSCRIPTION_ID);
    rg = n.resourceGroup;
  });
  after(() => sandbox.close());

  it("returns the workspace with a GUID workspaceId, public access Disabled and dependencies that resolve", async () => {
    const ws = await clients.machineLearning.workspaces.get(rg, n.workspace);
    assert.match(ws.workspaceId ?? "", GUID);
    assert.equal(ws.publicNetworkAccess, "Disabled");
    const versions: Record<string, string> = {
      storageAccount: "2024-01-01",
      keyVault: "2024-11-01",
      containerRegistry: "2025-04-01",
      applicationInsights: "2020-02-02",
    };
    for (const [property, apiVersion] of Object.entries(versions)) {
      const id = ws[property as keyof typeof ws] as string;
      assert.match(id, new RegExp(`^${rgId(sandbox, rg)}/providers/`, "i"), property);
      const got = await raw("GET", `${id}?api-version=${apiVersion}`);
      assert.deepEqual([got.status, got.json.id.toLowerCase()], [200, id.toLowerCase()], property);
    }
  });

  it("lists the workspace's private endpoint connection as Approved, inline and through privateEndpointConnections.list", async () => {
    const listed = await all(clients.machineLearning.privateEndpointConnections.list(rg, n.workspace));
    assert.equal(listed.length, 1);
    assert.match(listed[0].privateEndpoint?.id ?? "", /\/privateEndpoints\/pe-mlw-secure$/);
    assert.equal(listed[0].privateLinkServiceConnectionState?.status, "Approved");
    const inline = (await clients.machineLearning.workspaces.get(rg, n.workspace)).privateEndpointConnections ?? [];
    assert.deepEqual(
      inline.map((c) => [c.id, c.privateLinkServiceConnectionState?.status]),
      [[listed[0].id, "Approved"]],
    );
  });

  it("lists cpu-cluster with its AmlCompute subnet, maxNodeCount 4 and node public IPs", async () => {
    const computes = await all(clients.machineLearning.computeOperations.list(rg, n.workspace));
    const cluster = computes.find((c) => c.name === n.cluster);
    assert.equal(cluster?.properties?.computeType, "AmlCompute");
    const props = (cluster?.properties as AmlCompute).properties;
    assert.equal(props?.subnet?.id.toLowerCase(), subnetId(n.amlVnet, n.trainingSubnet).toLowerCase());
    assert.equal(props?.scaleSettings?.maxNodeCount, 4);
    assert.equal(props?.enableNodePublicIp, true);
  });

  it("refuses a compute in a subnet that does not exist", async () => {
    const compute = {
      location: n.location,
      properties: {
        computeType: "AmlCompute",
        properties: { vmSize: "STANDARD_DS3_V2", scaleSettings: { maxNodeCount: 1 }, subnet: { id: subnetId(n.amlVnet, "snet-missing") } },
      },
    } as const;
    const error = await rejectsWithCode(
      clients.machineLearning.computeOperations.beginCreateOrUpdateAndWait(rg, n.workspace, "cpu-missing", compute),
      "UserError",
    );
    assert.match(error.message, /snet-missing/);
    await assert.rejects(clients.machineLearning.computeOperations.get(rg, n.workspace, "cpu-missing"), { statusCode: 404 });
  });

  it("lists the registry's private endpoint connection as Approved on a raw ARM GET", async () => {
    const registry = await raw("GET", `${rgId(sandbox, rg)}/providers/Microsoft.ContainerRegistry/registries/${n.registry}?api-version=2025-04-01`);
    assert.equal(registry.status, 200);
    const connections: Array<{ properties: { privateEndpoint: { id: string }; privateLinkServiceConnectionState: { status: string } } }> =
      registry.json.properties.privateEndpointConnections;
    assert.deepEqual(
      connections.map((c) => [c.properties.privateEndpoint.id.split("/").pop(), c.properties.privateLinkServiceConnectionState.status]),
      [["pe-acr", "Approved"]],
    );
  });

  it("keeps a manual connection to the key vault Pending until the vault owner approves it", async () => {
    const vaultId = `${rgId(sandbox, rg)}/providers/Microsoft.KeyVault/vaults/${n.vault}`;
    const pe = await clients.network.privateEndpoints.beginCreateOrUpdateAndWait(rg, "pe-kv-manual", {
      location: n.location,
      subnet: { id: subnetId(n.amlVnet, n.endpointSubnet) },
      manualPrivateLinkServiceConnections: [{ name: "kv-manual", privateLinkServiceId: vaultId, groupIds: ["vault"], requestMessage: "please approve" }],
    });
    assert.equal(pe.manualPrivateLinkServiceConnections?.[0].privateLinkServiceConnectionState?.status, "Pending");
    const vault = await raw("GET", `${vaultId}?api-version=2024-11-01`);
    const connection = vault.json.properties.privateEndpointConnections.find(
      (c: { properties: { privateEndpoint: { id: string } } }) => c.properties.privateEndpoint.id === pe.id,
    );
    assert.equal(connection?.properties.privateLinkServiceConnectionState.status, "Pending");
    const approved = await raw("PUT", `${vaultId}/privateEndpointConnections/${connection.name}?api-version=2024-11-01`, {
      properties: { privateLinkServiceConnectionState: { status: "Approved", description: "ok" } },
    });
    assert.equal(approved.status, 200);
    const after = await clients.network.privateEndpoints.get(rg, "pe-kv-manual");
    assert.deepEqual(
      after.manualPrivateLinkServiceConnections?.map((c) => [c.privateLinkServiceConnectionState?.status, c.privateLinkServiceConnectionState?.description]),
      [["Approved", "ok"]],
    );
  });

  /** Every A record of the group's private zones, keyed by the public FQDN that CNAMEs to it (public suffix per Azure's zone table). */
  async function aRecordsByPublicFqdn(): Promise<Map<string, string[]>> {
    const records = new Map<string, string[]>();
    for (const zone of await all(clients.privateDns.privateZones.list())) {
      const zoneName = zone.name as string;
      const publicSuffix = PUBLIC_SUFFIX[zoneName] ?? zoneName.replace(/^privatelink\./, "");
      for (const set of await all(clients.privateDns.recordSets.list(rg, zoneName))) {
        if (set.aRecords)
          records.set(
            `${set.name}.${publicSuffix}`.toLowerCase(),
            set.aRecords.map((a) => a.ipv4Address as string),
          );
      }
    }
    return records;
  }

  /** The names and IPs of each endpoint's NIC (privateLinkConnectionProperties.fqdns), where Azure always lists them. */
  async function endpointNicNames(names: string[]): Promise<Array<[string, string, string[]]>> {
    const configs: Array<[string, string, string[]]> = [];
    for (const name of names) {
      const pe = await clients.network.privateEndpoints.get(rg, name);
      assert.deepEqual(pe.customDnsConfigs, [], `${name}: customDnsConfigs is empty with a zone group attached`);
      const nic = await clients.network.networkInterfaces.get(rg, (pe.networkInterfaces?.[0]?.id as string).split("/").pop() as string);
      for (const ipc of nic.ipConfigurations ?? [])
        for (const fqdn of ipc.privateLinkConnectionProperties?.fqdns ?? []) configs.push([name, fqdn, [ipc.privateIPAddress as string]]);
    }
    return configs;
  }

  it("holds an A record for every FQDN of every private endpoint's NIC, pointing at the endpoint's IP, the inference wildcard included", async () => {
    const records = await aRecordsByPublicFqdn();
    const configs = await endpointNicNames(["pe-mlw-secure", "pe-st-blob", "pe-st-file", "pe-kv", "pe-acr"]);
    assert.equal(configs.length, 4 + 1 + 1 + 1 + 2, "workspace api+cert+notebook+inference, blob, file, vault, registry+data");
    const guid = configs.map(([, fqdn]) => /^([0-9a-f-]{36})\.workspace\./.exec(fqdn)?.[1]).find(Boolean);
    const workspaceIps = configs.filter(([name]) => name === "pe-mlw-secure").map(([, , ips]) => ips[0]);
    assert.equal(new Set(workspaceIps).size, 3, "api names, notebooks and inference each have an IP of their own");
    for (const [name, fqdn, ips] of configs) {
      // *.<region>.inference.ml.azure.com is recorded as *.<workspace guid>.inference.<region> in privatelink.api.azureml.ms.
      const wildcard = /^\*\.([a-z0-9]+)\.inference\.ml\.azure\.com$/.exec(fqdn);
      const key = wildcard ? `*.${guid}.inference.${wildcard[1]}.api.azureml.ms` : fqdn.toLowerCase();
      assert.deepEqual(records.get(key), ips, `${name}: A record for ${fqdn}`);
    }
  });

  it("links every private DNS zone to both vnet-aml and vnet-bastion", async () => {
    const zones = await all(clients.privateDns.privateZones.list());
    assert.equal(zones.length, 6);
    for (const zone of zones) {
      const links = await all(clients.privateDns.virtualNetworkLinks.list(rg, zone.name as string));
      const vnets = links.map((l) => (l.virtualNetwork?.id ?? "").split("/").pop()).sort();
      assert.deepEqual(vnets, [n.amlVnet, n.agentVnet].sort(), zone.name);
      assert.ok(
        links.every((l) => l.virtualNetworkLinkState === "Completed" && l.registrationEnabled === false),
        zone.name,
      );
    }
  });

  it("refuses a private endpoint to a Basic registry (PrivateEndpointNotSupportedForRegistrySku)", async () => {
    const basicId = `${rgId(sandbox, rg)}/providers/Microsoft.ContainerRegistry/registries/acrbasicsandbox`;
    assert.equal((await raw("PUT", `${basicId}?api-version=2025-04-01`, { location: n.location, sku: { name: "Basic" } })).status, 201);
    const endpoint = {
      location: n.location,
      subnet: { id: subnetId(n.amlVnet, n.endpointSubnet) },
      privateLinkServiceConnections: [{ name: "acr", privateLinkServiceId: basicId, groupIds: ["registry"] }],
    };
    await rejectsWithCode(
      clients.network.privateEndpoints.beginCreateOrUpdateAndWait(rg, "pe-acr-basic", endpoint),
      "PrivateEndpointNotSupportedForRegistrySku",
    );
    await rejectsWithCode(clients.network.privateEndpoints.get(rg, "pe-acr-basic"), "ResourceNotFound");
  });
});
