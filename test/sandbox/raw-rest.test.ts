import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";

/**
 * A client that knows nothing of the sandbox or the SDKs: it gets a token with a raw client-credentials POST and
 * applies a topology with raw PUTs, following Azure-AsyncOperation / Location as Terraform's azurerm provider does.
 */
class RawArmClient {
  private token = "";
  constructor(private readonly env: RunningSandbox["env"]) {}

  async login(): Promise<void> {
    const response = await fetch(`${this.env.AZURE_AUTHORITY_HOST}/${this.env.AZURE_TENANT_ID}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: this.env.AZURE_CLIENT_ID,
        client_secret: this.env.AZURE_CLIENT_SECRET,
        scope: "https://management.azure.com/.default",
      }),
    });
    assert.equal(response.status, 200);
    this.token = ((await response.json()) as { access_token: string }).access_token;
  }

  // Raw ARM JSON is indexed freely here, as a script would.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async call(method: string, url: string, body?: unknown): Promise<{ status: number; headers: Headers; json: Record<string, any> }> {
    const response = await fetch(url.startsWith("https://") ? url : `${this.env.AMLVNET_ARM_ENDPOINT}${url}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : {} };
  }

  /** PUT, then poll the operation until it leaves InProgress, then GET: what `terraform apply` does per resource. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async apply(id: string, apiVersion: string, body: unknown): Promise<Record<string, any>> {
    const url = `${id}?api-version=${apiVersion}`;
    const put = await this.call("PUT", url, body);
    assert.ok([200, 201, 202].includes(put.status), `PUT ${id}: ${put.status} ${JSON.stringify(put.json)}`);
    const asyncUrl = put.headers.get("azure-asyncoperation");
    for (let i = 0; asyncUrl && i < 100; i++) {
      const status = await this.call("GET", asyncUrl);
      if (status.json.status !== "InProgress") {
        assert.equal(status.json.status, "Succeeded", JSON.stringify(status.json));
        break;
      }
      await new Promise((r) => setTimeout(r, Number(status.headers.get("retry-after") ?? "1") * 1000));
    }
    const got = await this.call("GET", url);
    assert.equal(got.status, 200);
    return got.json;
  }
}

describe("sandbox: a topology applied with raw ARM REST calls, as Terraform or Bicep would", () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startTestSandbox({ lroMs: 200 });
  });
  after(() => sandbox.close());

  it("accepts the resources and derives peering state, endpoint IPs and DNS records", async () => {
    const arm = new RawArmClient(sandbox.env);
    await arm.login();
    const rg = `/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-terraform`;
    const net = `${rg}/providers/Microsoft.Network`;
    await arm.apply(rg, "2021-04-01", { location: "eastasia" });
    const hub = await arm.apply(`${net}/virtualNetworks/amlvnet`, "2024-05-01", {
      location: "eastasia",
      properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [{ name: "aml_subnet", properties: { addressPrefix: "10.0.1.0/24" } }] },
    });
    const bastion = await arm.apply(`${net}/virtualNetworks/basvnet`, "2024-05-01", {
      location: "eastasia",
      properties: { addressSpace: { addressPrefixes: ["10.1.0.0/16"] } },
    });
    await arm.apply(`${net}/virtualNetworks/amlvnet/virtualNetworkPeerings/vp_amlvnet_basvnet`, "2024-05-01", {
      properties: { remoteVirtualNetwork: { id: bastion.id }, allowVirtualNetworkAccess: true, allowForwardedTraffic: true },
    });
    await arm.apply(`${net}/virtualNetworks/basvnet/virtualNetworkPeerings/vp_basvnet_amlvnet`, "2024-05-01", {
      properties: { remoteVirtualNetwork: { id: hub.id }, allowVirtualNetworkAccess: true, allowForwardedTraffic: true },
    });
    const acr = await arm.apply(`${rg}/providers/Microsoft.ContainerRegistry/registries/myacr01`, "2023-07-01", {
      location: "eastasia",
      sku: { name: "Premium" },
      properties: { adminUserEnabled: true, publicNetworkAccess: "Disabled" },
    });
    const zone = await arm.apply(`${net}/privateDnsZones/privatelink.azurecr.io`, "2020-06-01", { location: "global" });
    await arm.apply(`${zone.id}/virtualNetworkLinks/link_acr`, "2020-06-01", {
      location: "global",
      properties: { virtualNetwork: { id: hub.id }, registrationEnabled: false },
    });
    await arm.apply(`${zone.id}/virtualNetworkLinks/link_acr_bastion`, "2020-06-01", {
      location: "global",
      properties: { virtualNetwork: { id: bastion.id }, registrationEnabled: false },
    });
    const pe = await arm.apply(`${net}/privateEndpoints/acr_pe`, "2024-05-01", {
      location: "eastasia",
      properties: {
        subnet: { id: `${hub.id}/subnets/aml_subnet` },
        privateLinkServiceConnections: [{ name: "acr_psc", properties: { privateLinkServiceId: acr.id, groupIds: ["registry"] } }],
      },
    });
    await arm.apply(`${pe.id}/privateDnsZoneGroups/private-dns-zone-group-app-acr`, "2024-05-01", {
      properties: { privateDnsZoneConfigs: [{ name: "acr", properties: { privateDnsZoneId: zone.id } }] },
    });

    const peering = (await arm.call("GET", `${net}/virtualNetworks/basvnet/virtualNetworkPeerings/vp_basvnet_amlvnet?api-version=2024-05-01`)).json;
    assert.deepEqual([peering.properties.peeringState, peering.properties.peeringSyncLevel], ["Connected", "FullyInSync"]);
    const endpoint = (await arm.call("GET", `${pe.id}?api-version=2024-05-01`)).json;
    // With a zone group attached, customDnsConfigs is empty (as in the azure-sdk-assets recording); the NIC lists the names.
    assert.deepEqual(endpoint.properties.customDnsConfigs, []);
    const nic = (await arm.call("GET", `${endpoint.properties.networkInterfaces[0].id}?api-version=2024-05-01`)).json;
    assert.deepEqual(
      nic.properties.ipConfigurations.map((c: { properties: { privateIPAddress: string; privateLinkConnectionProperties: { fqdns: string[] } } }) => [
        c.properties.privateLinkConnectionProperties.fqdns[0],
        c.properties.privateIPAddress,
      ]),
      [
        ["myacr01.azurecr.io", "10.0.1.4"],
        ["myacr01.eastasia.data.azurecr.io", "10.0.1.5"],
      ],
    );
    const group = (await arm.call("GET", `${pe.id}/privateDnsZoneGroups/private-dns-zone-group-app-acr?api-version=2024-05-01`)).json;
    assert.deepEqual(
      group.properties.privateDnsZoneConfigs[0].properties.recordSets
        .map((r: { recordSetName: string; ipAddresses: string[] }) => [r.recordSetName, r.ipAddresses[0]])
        .sort(),
      [
        ["myacr01", "10.0.1.4"],
        ["myacr01.eastasia.data", "10.0.1.5"],
      ],
    );
    const records = (await arm.call("GET", `${zone.id}/A?api-version=2020-06-01`)).json.value;
    assert.deepEqual(
      records.map((r: { name: string; properties: { aRecords: Array<{ ipv4Address: string }> } }) => [r.name, r.properties.aRecords[0].ipv4Address]).sort(),
      [
        ["myacr01", "10.0.1.4"],
        ["myacr01.eastasia.data", "10.0.1.5"],
      ],
    );
    const registry = (await arm.call("GET", `${acr.id}?api-version=2023-07-01`)).json;
    assert.equal(registry.properties.privateEndpointConnections[0].properties.privateLinkServiceConnectionState.status, "Approved");
  });
});
