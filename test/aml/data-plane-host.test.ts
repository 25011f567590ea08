import assert from "node:assert/strict";
import { createHttpHeaders, type HttpClient } from "@azure/core-rest-pipeline";
import { discoverAmlEndpoints, workspaceApiBase } from "../../aml/discovery";
import { cloudEndpoints } from "../../azure/cloud";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { probeTargets } from "../../readiness/probe-step";
import { readTopology } from "../../readiness/topology/read-topology";
import { referenceIds, sandboxClientsFor } from "../readiness/helpers";

const WS = {
  id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws",
  name: "ws",
  location: "westeurope",
  discoveryUrl: "",
};

describe("aml: the v1 data-plane host of a private-link workspace", () => {
  it("calls a private-link workspace on its own host, keeps discovery's host otherwise", () => {
    const guid = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
    assert.equal(
      workspaceApiBase("https://westeurope.api.azureml.ms", { ...WS, workspaceGuid: guid, privateLinkCount: 1 }),
      `https://${guid}.workspace.westeurope.api.azureml.ms`,
    );
    assert.equal(
      workspaceApiBase("https://usgovvirginia.api.ml.azure.us", { ...WS, location: "usgovvirginia", workspaceGuid: guid, privateLinkCount: 2 }),
      `https://${guid}.workspace.usgovvirginia.api.ml.azure.us`,
    );
    assert.equal(
      workspaceApiBase("https://westeurope.api.azureml.ms", { ...WS, workspaceGuid: guid, privateLinkCount: 0 }),
      "https://westeurope.api.azureml.ms",
    );
    assert.equal(
      workspaceApiBase("https://127.0.0.1:8443/aml/westeurope", { ...WS, workspaceGuid: guid, privateLinkCount: 1 }),
      "https://127.0.0.1:8443/aml/westeurope",
      "a non-regional host (the sandbox) is kept",
    );
  });

  describe("against the reference workspace", () => {
    let sandbox: RunningSandbox;
    before(async () => {
      sandbox = await startTestSandbox({ scenario: "reference" });
    });
    after(() => sandbox.close());

    it("the host the trigger would call in Azure is one of the FQDNs the gate probes (the workspace endpoint's)", async () => {
      const ids = referenceIds(sandbox);
      const ws = sandbox.armClient.get(ids.workspaceId, "2024-04-01") as { location: string; properties: { workspaceId: string; privateLinkCount: number } };
      const base = workspaceApiBase(`https://${ws.location}.api.azureml.ms`, {
        id: ids.workspaceId,
        name: ids.names.workspace,
        location: ws.location,
        discoveryUrl: "",
        workspaceGuid: ws.properties.workspaceId,
        privateLinkCount: ws.properties.privateLinkCount,
      });
      const topology = await readTopology({ workspaceId: ids.workspaceId, agentVnetId: ids.agentVnetId, cloud: "AzureCloud" }, sandboxClientsFor(sandbox));
      const probed = probeTargets(topology).map((t) => t.fqdn);
      assert.ok(probed.includes(new URL(base).hostname), `${new URL(base).hostname} not in ${probed.join(", ")}`);
    });
  });
});

describe("aml: discovery per cloud", () => {
  it("asks the cloud's regional discovery host when the workspace names none, and links runs to the cloud's studio", async () => {
    const asked: string[] = [];
    // A recording HTTP client under the real pipeline (no server needed): the discovery document as AML serves it.
    const httpClient: HttpClient = {
      sendRequest: async (request) => {
        asked.push(request.url);
        return {
          request,
          status: 200,
          headers: createHttpHeaders({ "content-type": "application/json" }),
          bodyAsText: JSON.stringify({ api: "https://usgovvirginia.api.ml.azure.us", history: "https://usgovvirginia.api.ml.azure.us" }),
        };
      },
    };
    const cloud = cloudEndpoints("AzureUSGovernment", {});
    const deps = {
      armEndpoint: cloud.armEndpoint,
      studio: cloud.amlStudio,
      apiSuffix: cloud.amlApiSuffix,
      httpClient,
      getToken: async () => "header.e30.signature",
    };
    const endpoints = await discoverAmlEndpoints({ deps, workspace: { ...WS, location: "usgovvirginia" } });
    assert.deepEqual(asked, ["https://usgovvirginia.api.ml.azure.us/discovery"]);
    assert.deepEqual(endpoints, { api: "https://usgovvirginia.api.ml.azure.us", studio: "https://ml.azure.us" });
  });
});
