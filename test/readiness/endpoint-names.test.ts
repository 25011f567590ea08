import assert from "node:assert/strict";
import type { PrivateDnsZoneGroup, PrivateEndpoint } from "@azure/arm-network";
import { checkDns } from "../../readiness/checks/dns-checks";
import { CheckRecorder } from "../../readiness/checks/recorder";
import { concreteProbeName } from "../../readiness/probe/wildcards";
import { endpointNames } from "../../readiness/topology/endpoint-names";
import { emptyTopology, type Topology } from "../../readiness/topology/topology";
import { inferenceWildcardFqdn, inferenceWildcardRecord } from "../../network/private-link-zones";

const SUB = "00000000-0000-0000-0000-000000000001";
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;
const NET = `${RG}/providers/Microsoft.Network`;
const WS = `${RG}/providers/Microsoft.MachineLearningServices/workspaces/mlw`;
const GUID = "fb7e20a0-8891-458b-b969-55ddb3382f51";
const NIC_ID = `${NET}/networkInterfaces/pe-mlw.nic.1`;

function topologyWith(endpoint: PrivateEndpoint, groups: PrivateDnsZoneGroup[] = []): Topology {
  const topology = emptyTopology("AzureCloud", { id: WS, name: "mlw", location: "eastus" }, undefined);
  topology.privateEndpoints.push(endpoint);
  topology.zoneGroups.set((endpoint.id as string).toLowerCase(), groups);
  return topology;
}

function workspaceEndpoint(extra: Partial<PrivateEndpoint> = {}): PrivateEndpoint {
  return {
    id: `${NET}/privateEndpoints/pe-mlw`,
    name: "pe-mlw",
    subnet: { id: `${NET}/virtualNetworks/vnet/subnets/snet` },
    privateLinkServiceConnections: [{ privateLinkServiceId: WS, groupIds: ["amlworkspace"] }],
    customDnsConfigs: [],
    networkInterfaces: [{ id: NIC_ID }],
    ...extra,
  };
}

describe("private endpoint names: customDnsConfigs, the NIC and the zone group merged", () => {
  it("maps the inference wildcard to its record in privatelink.api.azureml.ms and back (azure-ai-docs how-to-custom-dns)", () => {
    assert.deepEqual(inferenceWildcardRecord("*.eastus.inference.ml.azure.com", GUID), {
      zone: "privatelink.api.azureml.ms",
      recordName: `*.${GUID}.inference.eastus`,
    });
    assert.equal(inferenceWildcardFqdn("privatelink.api.azureml.ms", `*.${GUID}.inference.eastus`), "*.eastus.inference.ml.azure.com");
    assert.equal(inferenceWildcardRecord(`${GUID}.workspace.eastus.api.azureml.ms`, GUID), undefined);
    assert.deepEqual(concreteProbeName("*.eastus.inference.ml.azure.com", GUID), {
      fqdn: `amlvnet-probe.${GUID}.inference.eastus.privatelink.api.azureml.ms`,
      zone: "privatelink.api.azureml.ms",
      recordName: `*.${GUID}.inference.eastus`,
    });
    assert.equal(concreteProbeName("*.eastus.inference.ml.azure.com", undefined), undefined, "without the GUID it cannot be made concrete");
  });

  it("reads the NIC and the zone group when customDnsConfigs is empty, trusting the NIC's IP", () => {
    const topology = topologyWith(workspaceEndpoint(), [
      {
        privateDnsZoneConfigs: [
          {
            privateDnsZoneId: `${NET}/privateDnsZones/privatelink.api.azureml.ms`,
            recordSets: [
              { recordType: "A", recordSetName: `${GUID}.workspace.eastus`, ipAddresses: ["10.1.0.99"] },
              { recordType: "A", recordSetName: `*.${GUID}.inference.eastus`, ipAddresses: ["10.1.0.7"] },
            ],
          },
        ],
      },
    ]);
    topology.endpointNics.add({
      id: NIC_ID,
      ipConfigurations: [
        {
          privateIPAddress: "10.1.0.5",
          privateLinkConnectionProperties: { fqdns: [`${GUID}.workspace.eastus.api.azureml.ms`, `${GUID}.workspace.eastus.cert.api.azureml.ms`] },
        },
        { privateIPAddress: "10.1.0.6", privateLinkConnectionProperties: { fqdns: [`ml-mlw-eastus-${GUID}.eastus.notebooks.azure.net`] } },
      ],
    });
    const names = endpointNames(topology, topology.privateEndpoints[0]);
    assert.deepEqual(
      names.map((n) => [n.fqdn, n.ips, n.sources]),
      [
        [`${GUID}.workspace.eastus.api.azureml.ms`, ["10.1.0.5"], ["nic", "zoneGroup"]],
        [`${GUID}.workspace.eastus.cert.api.azureml.ms`, ["10.1.0.5"], ["nic"]],
        [`ml-mlw-eastus-${GUID}.eastus.notebooks.azure.net`, ["10.1.0.6"], ["nic"]],
        ["*.eastus.inference.ml.azure.com", ["10.1.0.7"], ["zoneGroup"]],
      ],
    );
  });

  it("an endpoint with no name anywhere is a DNS error naming it, not a silent pass", () => {
    const topology = topologyWith(workspaceEndpoint());
    const recorder = new CheckRecorder();
    checkDns(topology, recorder);
    const finding = recorder.findings.find((f) => f.id === "dns.endpoint-names:pe-mlw");
    assert.ok(finding, JSON.stringify(recorder.findings));
    assert.equal(finding.severity, "error");
    assert.equal(finding.resourceId, `${NET}/privateEndpoints/pe-mlw`);
    assert.match(finding.message, /Private endpoint pe-mlw lists no FQDN with a private IP/);
    assert.match(finding.fix, /az network nic show --ids .*pe-mlw\.nic\.1/);
  });
});
