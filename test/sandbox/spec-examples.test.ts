import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { normalizeLocation } from "../../sandbox/arm/api-versions";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { API } from "../../sandbox/scenarios/api-versions";
import { rawArm, rgId, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

/**
 * Replays official x-ms-examples (test/fixtures/arm, copied from azure-rest-api-specs with their `_source`) against the
 * sandbox: prerequisites first, then the example's own body and api-version as a raw PUT, then a GET.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

type Put = (relativeId: string, apiVersion: string, body: unknown) => void;
interface Context {
  location: string;
  /** The sandbox resource group's ID. */
  rg: string;
  tenantId: string;
}

interface Example {
  fixture: string;
  /** Path below `.../providers/`, with the example's `{parameter}` names. */
  path: string;
  /** Prerequisites, PUT in-process: `put(relativeId, apiVersion, body)` where relativeId is below `.../providers/`. */
  setup?: (put: Put, ctx: Context) => void;
  /** After the PUT: what puts the resource in the state the example's response shows (attached to a NIC, say). */
  attach?: (put: Put, ctx: Context) => void;
  /** Changes the example body needs beyond ID and location rewriting (each says why). */
  adapt?: (body: Json, ctx: { rg: string }) => void;
  /** Response property keys the sandbox does not return, each with the reason. */
  notModelled?: Record<string, string>;
}

const FIXTURES = join(__dirname, "..", "..", "..", "test", "fixtures", "arm");
const net = "Microsoft.Network";
const vnet = (prefix: string, subnets: Array<[string, string]> = [], location?: string) => ({
  location,
  properties: { addressSpace: { addressPrefixes: [prefix] }, subnets: subnets.map(([name, addressPrefix]) => ({ name, properties: { addressPrefix } })) },
});
const storage = (location: string) => ({ location, sku: { name: "Standard_LRS" }, kind: "StorageV2" });
/** The examples point at Microsoft.Network/privateLinkServices, which the sandbox does not serve: use a storage account's file sub-resource. */
const toStorageFile = (list: string) => (body: Json, ctx: { rg: string }) => {
  for (const connection of body.properties[list]) {
    connection.name = "plsconnection1"; // the examples' responses name it so; their requests leave it out
    connection.properties.privateLinkServiceId = `${ctx.rg}/providers/Microsoft.Storage/storageAccounts/stplsexample`;
    connection.properties.groupIds = ["file"];
  }
};
const subnetRef = (rg: string, vnetName: string, subnet: string) => ({ id: `${rg}/providers/${net}/virtualNetworks/${vnetName}/subnets/${subnet}` });
const peSetup = (put: Put, { location }: Context) => {
  put(`${net}/virtualNetworks/myVnet`, API.network, vnet("192.168.0.0/16", [["mySubnet", "192.168.0.0/24"]], location));
  put("Microsoft.Storage/storageAccounts/stplsexample", API.storage, storage(location));
};
const workspaceDependencies = (put: Put, { location, tenantId }: Context, names: [string, string, string?, string?]) => {
  put(`Microsoft.Storage/storageAccounts/${names[0]}`, API.storage, storage(location));
  put(`Microsoft.KeyVault/vaults/${names[1]}`, API.keyVault, { location, properties: { tenantId, sku: { family: "A", name: "standard" } } });
  if (names[2]) put(`Microsoft.ContainerRegistry/registries/${names[2]}`, API.registry, { location, sku: { name: "Premium" } });
  if (names[3]) put(`Microsoft.Insights/components/${names[3]}`, API.insights, { location, kind: "web", properties: { Application_Type: "web" } });
};

/** The workspace the compute examples are created in, with its storage account and key vault. */
const workspaces123 = (put: Put, ctx: Context) => {
  workspaceDependencies(put, ctx, ["stworkspaces123", "kv-workspaces123"]);
  const properties = {
    storageAccount: `${ctx.rg}/providers/Microsoft.Storage/storageAccounts/stworkspaces123`,
    keyVault: `${ctx.rg}/providers/Microsoft.KeyVault/vaults/kv-workspaces123`,
  };
  put("Microsoft.MachineLearningServices/workspaces/workspaces123", API.ml, { location: ctx.location, properties });
};

const EXAMPLES: Example[] = [
  { fixture: "network-vnet-create", path: `${net}/virtualNetworks/{virtualNetworkName}` },
  {
    fixture: "network-subnet-create",
    path: `${net}/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}`,
    setup: (put, { location }) => put(`${net}/virtualNetworks/vnetname`, API.network, vnet("10.0.0.0/16", [], location)),
  },
  { fixture: "network-nsg-create-with-rule", path: `${net}/networkSecurityGroups/{networkSecurityGroupName}` },
  { fixture: "network-route-table-create-with-route", path: `${net}/routeTables/{routeTableName}` },
  {
    fixture: "network-vnet-peering-create",
    path: `${net}/virtualNetworks/{virtualNetworkName}/virtualNetworkPeerings/{virtualNetworkPeeringName}`,
    setup: (put, { location }) => {
      put(`${net}/virtualNetworks/vnet1`, API.network, vnet("10.0.0.0/16", [], location));
      put(`${net}/virtualNetworks/vnet2`, API.network, vnet("12.0.0.0/8", [], location));
    },
    notModelled: { remoteBgpCommunities: "set only when the remote VNet has bgpCommunities, which the sandbox does not model" },
  },
  {
    fixture: "network-private-endpoint-create",
    path: `${net}/privateEndpoints/{privateEndpointName}`,
    setup: peSetup,
    adapt: toStorageFile("privateLinkServiceConnections"),
    notModelled: { applicationSecurityGroups: "application security groups are not modelled" },
  },
  {
    fixture: "network-private-endpoint-create-manual-approval",
    path: `${net}/privateEndpoints/{privateEndpointName}`,
    setup: peSetup,
    adapt: toStorageFile("manualPrivateLinkServiceConnections"),
    notModelled: { applicationSecurityGroups: "application security groups are not modelled" },
  },
  {
    fixture: "network-private-dns-zone-group-create",
    path: `${net}/privateEndpoints/{privateEndpointName}/privateDnsZoneGroups/{privateDnsZoneGroupName}`,
    setup: (put, ctx) => {
      peSetup(put, ctx);
      put(`${net}/privateDnsZones/zone1.com`, API.privateDns, { location: "global" });
      const privateLinkServiceConnections = [
        { name: "pls", properties: { privateLinkServiceId: `${ctx.rg}/providers/Microsoft.Storage/storageAccounts/stplsexample`, groupIds: ["file"] } },
      ];
      put(`${net}/privateEndpoints/testPe`, API.network, {
        location: ctx.location,
        properties: { subnet: subnetRef(ctx.rg, "myVnet", "mySubnet"), privateLinkServiceConnections },
      });
    },
  },
  {
    fixture: "network-public-ip-create-defaults",
    path: `${net}/publicIPAddresses/{publicIpAddressName}`,
    setup: (put, { location }) => put(`${net}/virtualNetworks/vnet-ip`, API.network, vnet("10.0.0.0/16", [["default", "10.0.0.0/24"]], location)),
    attach: (put, { location, rg }) => {
      const ipConfigurations = [
        {
          name: "ipconfig1",
          properties: { subnet: subnetRef(rg, "vnet-ip", "default"), publicIPAddress: { id: `${rg}/providers/${net}/publicIPAddresses/test-ip` } },
        },
      ];
      put(`${net}/networkInterfaces/testDNS649`, API.network, { location, properties: { ipConfigurations } });
    },
  },
  {
    fixture: "network-nat-gateway-create",
    path: `${net}/natGateways/{natGatewayName}`,
    setup: (put, { location }) => {
      put(`${net}/publicIPAddresses/PublicIpAddress1`, API.network, { location, sku: { name: "Standard" } });
      put(`${net}/virtualNetworks/test-vnet`, API.network, vnet("10.0.0.0/16", [], location));
    },
    attach: (put, { rg }) =>
      put(`${net}/virtualNetworks/test-vnet/subnets/subnet1`, API.network, {
        properties: { addressPrefix: "10.0.1.0/24", natGateway: { id: `${rg}/providers/${net}/natGateways/test-natgateway` } },
      }),
    notModelled: { publicIpPrefixes: "public IP prefixes are not modelled" },
  },
  { fixture: "privatedns-zone-put", path: `${net}/privateDnsZones/{privateZoneName}` },
  {
    fixture: "privatedns-vnet-link-put",
    path: `${net}/privateDnsZones/{privateZoneName}/virtualNetworkLinks/{virtualNetworkLinkName}`,
    setup: (put, { location }) => {
      put(`${net}/privateDnsZones/privatezone1.com`, API.privateDns, { location: "global" });
      put(`${net}/virtualNetworks/virtualNetworkName`, API.network, vnet("10.0.0.0/16", [], location));
    },
  },
  {
    fixture: "privatedns-recordset-a-put",
    path: `${net}/privateDnsZones/{privateZoneName}/{recordType}/{relativeRecordSetName}`,
    setup: (put) => put(`${net}/privateDnsZones/privatezone1.com`, API.privateDns, { location: "global" }),
  },
  { fixture: "storage-account-create", path: "Microsoft.Storage/storageAccounts/{accountName}" },
  {
    fixture: "keyvault-vault-create",
    path: "Microsoft.KeyVault/vaults/{vaultName}",
    notModelled: { hsmPoolResourceId: "vaults in a managed HSM pool are not modelled" },
  },
  {
    fixture: "containerregistry-registry-create",
    path: "Microsoft.ContainerRegistry/registries/{registryName}",
    notModelled: { status: "a transient status object, null in the example too" },
  },
  { fixture: "insights-component-create", path: "Microsoft.Insights/components/{resourceName}" },
  {
    fixture: "ml-workspace-create",
    path: "Microsoft.MachineLearningServices/workspaces/{workspaceName}",
    // IDs are case-insensitive: the example's testStorageAccount resolves to this (lower-case, as storage requires) account.
    setup: (put, ctx) => workspaceDependencies(put, ctx, ["teststorageaccount", "testkv", "testRegistry", "testinsights"]),
  },
  {
    fixture: "ml-compute-create-amlcompute",
    path: "Microsoft.MachineLearningServices/workspaces/{workspaceName}/computes/{computeName}",
    setup: workspaces123,
  },
  {
    fixture: "ml-compute-create-computeinstance",
    path: "Microsoft.MachineLearningServices/workspaces/{workspaceName}/computes/{computeName}",
    setup: (put, ctx) => {
      workspaces123(put, ctx);
      put(`${net}/virtualNetworks/vnet-ci`, API.network, vnet("10.0.0.0/16", [["snet-ci", "10.0.0.0/24"]], ctx.location));
    },
    // The example's subnet is the placeholder "test-subnet-resource-id": point it at a real subnet.
    adapt: (body, { rg }) => {
      body.properties.properties.subnet = subnetRef(rg, "vnet-ci", "snet-ci");
    },
  },
  {
    fixture: "compute-vm-create-linux-ssh-existing-nic",
    path: "Microsoft.Compute/virtualMachines/{vmName}",
    setup: (put, { location, rg }) => {
      put(`${net}/virtualNetworks/vnet-vm`, API.network, vnet("10.0.0.0/16", [["default", "10.0.0.0/24"]], location));
      put(`${net}/networkInterfaces/existing-nic-name`, API.network, {
        location,
        properties: { ipConfigurations: [{ name: "ipconfig1", properties: { subnet: subnetRef(rg, "vnet-vm", "default") } }] },
      });
    },
  },
  {
    fixture: "compute-vmss-create-ssh",
    path: "Microsoft.Compute/virtualMachineScaleSets/{vmScaleSetName}",
    setup: (put, { location }) =>
      put(`${net}/virtualNetworks/existing-virtual-network-name`, API.network, vnet("10.0.0.0/16", [["existing-subnet-name", "10.0.0.0/24"]], location)),
  },
];

/** Example placeholders such as `{vmss-name}` become plain names; every resource ID moves to the sandbox group. */
function rewrite(value: unknown, rg: string, location: string): Json {
  const text = JSON.stringify(value)
    .replace(/\/subscriptions\/[^/"]+\/resourceGroups\/[^/"]+/gi, rg)
    .replace(/\{([A-Za-z0-9_-]+)\}/g, "$1");
  const body = JSON.parse(text);
  if (typeof body.location === "string" && body.location.toLowerCase() !== "global" && !normalizeLocation(body.location)) body.location = location;
  return body;
}

function propertyKeys(example: Json): string[] {
  const keys = new Set<string>();
  for (const response of Object.values<Json>(example.responses)) for (const key of Object.keys(response.body?.properties ?? {})) keys.add(key);
  return [...keys];
}

describe("sandbox: official x-ms-examples replayed as raw ARM requests", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  before(async () => {
    sandbox = await startTestSandbox({ lroMs: 0 });
    clients = sandboxClients(sandbox);
  });
  after(() => sandbox.close());

  for (const example of EXAMPLES) {
    describe(example.fixture, () => {
      const fixture: Json = JSON.parse(readFileSync(join(FIXTURES, `${example.fixture}.json`), "utf8"));
      const params: Json = fixture.parameters;
      const requestBody: Json = Object.entries(params).find(([key, value]) => key !== "extendedLocation" && typeof value === "object")?.[1];
      const codes = Object.keys(fixture.responses).map(Number);
      let put: { status: number; json: Json };
      let got: { status: number; json: Json };

      before(async () => {
        const groupName = `rg-ex-${example.fixture}`;
        const rg = rgId(sandbox, groupName);
        const location = normalizeLocation(String(requestBody?.location ?? "")) ?? "eastus";
        sandbox.armClient.put(rg, API.resources, { location });
        const ctx: Context = { location, rg, tenantId: sandbox.env.AZURE_TENANT_ID };
        const prerequisite: Put = (relativeId, apiVersion, body) => sandbox.armClient.put(`${rg}/providers/${relativeId}`, apiVersion, body);
        example.setup?.(prerequisite, ctx);
        const body = rewrite(requestBody, rg, location);
        example.adapt?.(body, { rg });
        const path = example.path.replace(/\{([^}]+)\}/g, (_, name: string) => String(params[name]).replace(/[{}]/g, ""));
        const url = `${rg}/providers/${path}?api-version=${params["api-version"]}`;
        put = await rawArm(sandbox, clients.credential, "PUT", url, body);
        if (put.status < 300) example.attach?.(prerequisite, ctx);
        got = await rawArm(sandbox, clients.credential, "GET", url);
      });

      it(`answers the PUT with one of the example's status codes (${codes.join(", ")})`, () => {
        assert.ok(codes.includes(put.status), `PUT answered ${put.status}: ${JSON.stringify(put.json)}`);
      });

      it("returns, once done, every property key of the example's response", () => {
        assert.equal(got.status, 200, JSON.stringify(got.json));
        assert.equal(got.json.properties.provisioningState ?? "Succeeded", "Succeeded");
        const missing = propertyKeys(fixture).filter((key) => !(key in got.json.properties) && !(key in (example.notModelled ?? {})));
        assert.deepEqual(missing, [], `keys missing from the sandbox's GET: ${missing.join(", ")}`);
        const stale = Object.keys(example.notModelled ?? {}).filter((key) => key in got.json.properties);
        assert.deepEqual(stale, [], "notModelled lists keys the sandbox now returns");
      });
    });
  }
});
