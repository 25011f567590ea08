import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rgId } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

/**
 * Bodies of the wrong shape (a string where ARM expects an object, an object where it expects a list, a number where
 * it expects an ID) are refused with a 400 naming the resource, never a 500 from a crash inside the sandbox, and
 * leave nothing behind.
 */
describe("sandbox: malformed bodies on endpoints, NICs, DNS and workspace dependencies", () => {
  let sandbox: RunningSandbox;
  let rg: string;
  let net: string;
  before(async () => {
    sandbox = await startTestSandbox();
    rg = rgId(sandbox, "rg-malformed");
    net = `${rg}/providers/Microsoft.Network`;
    sandbox.armClient.put(rg, "2021-04-01", { location: "eastus" });
    sandbox.armClient.put(`${net}/virtualNetworks/vnet`, "2024-05-01", {
      location: "eastus",
      properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [{ name: "a", properties: { addressPrefix: "10.0.1.0/24" } }] },
    });
    sandbox.armClient.put(`${rg}/providers/Microsoft.Storage/storageAccounts/stmalformed`, "2023-05-01", { location: "eastus", sku: { name: "Standard_LRS" } });
    sandbox.armClient.put(`${net}/privateDnsZones/privatelink.blob.core.windows.net`, "2020-06-01", { location: "global" });
    sandbox.armClient.put(`${net}/privateEndpoints/pe`, "2024-05-01", {
      location: "eastus",
      properties: {
        subnet: { id: `${net}/virtualNetworks/vnet/subnets/a` },
        privateLinkServiceConnections: [
          { name: "c", properties: { privateLinkServiceId: `${rg}/providers/Microsoft.Storage/storageAccounts/stmalformed`, groupIds: ["blob"] } },
        ],
      },
    });
  });
  after(() => sandbox.close());

  function refused(id: string, apiVersion: string, body: unknown, code: string, messagePart: string): void {
    const response = sandbox.armClient.request("PUT", id, apiVersion, body);
    const error = (response.body as { error?: { code: string; message: string } }).error;
    assert.equal(response.status, 400, `PUT ${id}: ${JSON.stringify(response.body)}`);
    assert.equal(error?.code, code);
    assert.ok(error?.message.includes(messagePart), error?.message);
    assert.equal(sandbox.armClient.get(id, apiVersion), undefined, `${id} is not stored`);
  }

  it("refuses them with the resource provider's error, not a crash", () => {
    const storage = `${rg}/providers/Microsoft.Storage/storageAccounts/stmalformed`;
    const zone = `${net}/privateDnsZones/privatelink.blob.core.windows.net`;
    refused(
      `${net}/natGateways/nat`,
      "2024-05-01",
      { location: "eastus", properties: { publicIpAddresses: [{}] } },
      "InvalidResourceReference",
      "natGateways/nat",
    );
    refused(
      `${net}/networkInterfaces/nic`,
      "2024-05-01",
      { location: "eastus", properties: { ipConfigurations: { name: "c" } } },
      "InvalidRequestFormat",
      "at least one IP configuration",
    );
    refused(
      `${rg}/providers/Microsoft.Storage/storageAccounts/stnumbersku`,
      "2023-05-01",
      { location: "eastus", sku: { name: 5 } },
      "InvalidRequestContent",
      "'sku'",
    );
    refused(`${zone}/virtualNetworkLinks/link`, "2020-06-01", { location: "global", properties: { virtualNetwork: { id: 5 } } }, "BadRequest", "'5'");
    refused(`${zone}/A/list`, "2020-06-01", { properties: { aRecords: "10.0.1.9" } }, "BadRequest", "must be a list");
    refused(`${zone}/A/null`, "2020-06-01", { properties: { aRecords: [null] } }, "BadRequest", "IPv4 address 'undefined'");
    refused(`${zone}/MX/mail`, "2020-06-01", { properties: { mxRecords: [{ preference: 1, exchange: "m" }], aRecords: {} } }, "BadRequest", "must be a list");
    const connection = { name: "c", properties: { privateLinkServiceId: storage, groupIds: "blob" } };
    refused(
      `${net}/privateEndpoints/pe-groups`,
      "2024-05-01",
      { location: "eastus", properties: { subnet: { id: `${net}/virtualNetworks/vnet/subnets/a` }, privateLinkServiceConnections: [connection] } },
      "OnlyOneGroupIdPermitted",
      "Only one group Id",
    );
    const group = `${net}/privateEndpoints/pe/privateDnsZoneGroups/group`;
    refused(group, "2024-05-01", { properties: { privateDnsZoneConfigs: { zone } } }, "InvalidPrivateDnsZoneConfigs", "between 1 and 5");
    refused(
      group,
      "2024-05-01",
      { properties: { privateDnsZoneConfigs: [{ properties: { privateDnsZoneId: 5 } }] } },
      "InvalidResourceReference",
      "Resource 5",
    );
  });
});
