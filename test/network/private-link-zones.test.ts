import assert from "node:assert/strict";
import { allPrivateLinkZones, publicZoneOf, recordNameIn, zoneForFqdn, zonesForGroup } from "../../network/private-link-zones";

// Vectors from Microsoft's "Azure Private Endpoint private DNS zone values" (private-endpoint-dns) and, for AML,
// "How to configure a private endpoint for Azure Machine Learning workspace" and "custom DNS".
describe("network/private-link-zones", () => {
  it("names the zones of each sub-resource in each cloud", () => {
    assert.deepEqual(zonesForGroup("amlworkspace", "AzureCloud"), ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"]);
    assert.deepEqual(zonesForGroup("amlworkspace", "AzureUSGovernment"), ["privatelink.api.ml.azure.us", "privatelink.notebooks.usgovcloudapi.net"]);
    assert.deepEqual(zonesForGroup("amlworkspace", "AzureChinaCloud"), ["privatelink.api.ml.azure.cn", "privatelink.notebooks.chinacloudapi.cn"]);
    assert.deepEqual(zonesForGroup("blob", "AzureCloud"), ["privatelink.blob.core.windows.net"]);
    assert.deepEqual(zonesForGroup("File", "AzureUSGovernment"), ["privatelink.file.core.usgovcloudapi.net"]);
    assert.deepEqual(zonesForGroup("dfs", "AzureChinaCloud"), ["privatelink.dfs.core.chinacloudapi.cn"]);
    assert.deepEqual(zonesForGroup("vault", "AzureCloud"), ["privatelink.vaultcore.azure.net"]);
    assert.deepEqual(zonesForGroup("registry", "AzureCloud"), ["privatelink.azurecr.io"]);
    assert.deepEqual(zonesForGroup("registry", "AzureChinaCloud"), ["privatelink.azurecr.cn"]);
    assert.deepEqual(zonesForGroup("sqlServer", "AzureCloud"), []);
  });

  it("knows every zone once, without the storage web zone", () => {
    const zones = allPrivateLinkZones();
    assert.equal(new Set(zones).size, zones.length);
    assert.ok(zones.includes("privatelink.api.azureml.ms"));
    assert.ok(zones.includes("privatelink.queue.core.chinacloudapi.cn"));
    assert.ok(!zones.some((z) => z.startsWith("privatelink.web.")));
  });

  it("names the public zone each private zone shadows (Key Vault's is vault.azure.net)", () => {
    assert.equal(publicZoneOf("privatelink.api.azureml.ms"), "api.azureml.ms");
    assert.equal(publicZoneOf("privatelink.blob.core.windows.net"), "blob.core.windows.net");
    assert.equal(publicZoneOf("PrivateLink.VaultCore.Azure.Net"), "vault.azure.net");
  });

  it("turns an FQDN into its record name in a zone", () => {
    const guid = "5e7a5d5c-9a8b-4c3d-8e2f-1a2b3c4d5e6f";
    assert.equal(recordNameIn("privatelink.api.azureml.ms", `${guid}.workspace.westeurope.api.azureml.ms`), `${guid}.workspace.westeurope`);
    assert.equal(recordNameIn("privatelink.api.azureml.ms", `${guid}.workspace.westeurope.cert.api.azureml.ms`), `${guid}.workspace.westeurope.cert`);
    assert.equal(recordNameIn("privatelink.notebooks.azure.net", "ml-ws-westeurope-abc.notebooks.azure.net"), "ml-ws-westeurope-abc");
    assert.equal(recordNameIn("privatelink.blob.core.windows.net", "StMlOps.Blob.Core.Windows.Net."), "stmlops");
    assert.equal(recordNameIn("privatelink.vaultcore.azure.net", "kv-mlops.vault.azure.net"), "kv-mlops");
    assert.equal(recordNameIn("privatelink.vaultcore.azure.net", "kv-mlops.vaultcore.azure.net"), "kv-mlops");
    assert.equal(recordNameIn("privatelink.azurecr.io", "crmlops.westeurope.data.azurecr.io"), "crmlops.westeurope.data");
    assert.equal(recordNameIn("privatelink.api.ml.azure.us", "x.workspace.usgovvirginia.api.azureml.us"), "x.workspace.usgovvirginia");
  });

  it("answers nothing for a name outside the zone, including a bare zone apex and a look-alike suffix", () => {
    assert.equal(recordNameIn("privatelink.blob.core.windows.net", "stmlops.file.core.windows.net"), undefined);
    assert.equal(recordNameIn("privatelink.blob.core.windows.net", "blob.core.windows.net"), undefined);
    assert.equal(recordNameIn("privatelink.azurecr.io", "evilazurecr.io"), undefined);
  });

  it("picks the zone that holds an FQDN", () => {
    const zones = ["privatelink.blob.core.windows.net", "privatelink.api.azureml.ms", "privatelink.vaultcore.azure.net"];
    assert.equal(zoneForFqdn("kv.vault.azure.net", zones), "privatelink.vaultcore.azure.net");
    assert.equal(zoneForFqdn("x.workspace.eastus.api.azureml.ms", zones), "privatelink.api.azureml.ms");
    assert.equal(zoneForFqdn("st.file.core.windows.net", zones), undefined);
  });
});
