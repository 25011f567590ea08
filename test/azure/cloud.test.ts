import assert from "node:assert/strict";
import { ClientSecretCredential } from "@azure/identity";
import { decodeClaims } from "../../aml/http";
import { cloudEndpoints, needsInstanceDiscoveryDisabled } from "../../azure/cloud";
import { audienceFromMetadata, scopeOfAudience, withCloudAudience } from "../../azure/cloud-metadata";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";

describe("azure: clouds", () => {
  it("gives each cloud its studio and AML API suffix; a custom ARM endpoint is flagged", () => {
    assert.deepEqual(
      (["AzureCloud", "AzureUSGovernment", "AzureChinaCloud"] as const).map((c) => [
        cloudEndpoints(c, {}).amlStudio,
        cloudEndpoints(c, {}).amlApiSuffix,
        cloudEndpoints(c, {}).customArm,
      ]),
      [
        ["https://ml.azure.com", "api.azureml.ms", false],
        ["https://ml.azure.us", "api.ml.azure.us", false],
        ["https://studio.ml.azure.cn", "api.ml.azure.cn", false],
      ],
    );
    const stack = cloudEndpoints("AzureCloud", { armEndpoint: "https://management.local.azurestack.external/" });
    assert.deepEqual(
      [stack.customArm, stack.armEndpoint, stack.amlStudio],
      [true, "https://management.local.azurestack.external", "https://management.local.azurestack.external"],
    );
  });

  it("treats login.windows.net as a Microsoft authority (instance discovery stays on), ADFS and the sandbox not", () => {
    assert.equal(needsInstanceDiscoveryDisabled("https://login.windows.net/"), false);
    assert.equal(needsInstanceDiscoveryDisabled("https://login.microsoftonline.com"), false);
    assert.equal(needsInstanceDiscoveryDisabled("https://adfs.local.azurestack.external/adfs"), true);
    assert.equal(needsInstanceDiscoveryDisabled("https://127.0.0.1:8443"), true);
  });

  it("reads an Azure Stack Hub metadata document's first audience as the ARM token scope", () => {
    const stackHub = {
      galleryEndpoint: "https://adminportal.local.azurestack.external:30015/",
      graphEndpoint: "https://graph.windows.net/",
      portalEndpoint: "https://portal.local.azurestack.external/",
      authentication: {
        loginEndpoint: "https://login.windows.net/",
        audiences: ["https://management.contoso.onmicrosoft.com/3cc5febd-e4b7-4a85-a2ed-1d730e2f5928"],
      },
    };
    assert.equal(audienceFromMetadata(stackHub), "https://management.contoso.onmicrosoft.com/3cc5febd-e4b7-4a85-a2ed-1d730e2f5928");
    assert.equal(audienceFromMetadata({ authentication: {} }), undefined);
    assert.equal(scopeOfAudience("https://management.core.windows.net/"), "https://management.core.windows.net/.default");
    assert.equal(scopeOfAudience("https://management.contoso.onmicrosoft.com/3cc5"), "https://management.contoso.onmicrosoft.com/3cc5/.default");
  });

  describe("with a custom ARM endpoint (the sandbox)", () => {
    let sandbox: RunningSandbox;
    before(async () => {
      sandbox = await startTestSandbox({ scenario: "empty" });
    });
    after(() => sandbox.close());

    it("asks for ARM tokens with the audience the endpoint's metadata names, not the ARM URL", async () => {
      const endpoints = cloudEndpoints("AzureCloud", { armEndpoint: sandbox.origin, authorityHost: sandbox.env.AZURE_AUTHORITY_HOST });
      const inner = new ClientSecretCredential(sandbox.env.AZURE_TENANT_ID, sandbox.env.AZURE_CLIENT_ID, sandbox.env.AZURE_CLIENT_SECRET, {
        authorityHost: endpoints.authorityHost,
        disableInstanceDiscovery: true,
      });
      const token = await withCloudAudience(inner, endpoints).getToken(endpoints.armScope);
      assert.equal(decodeClaims(token?.token ?? "").aud, "https://management.core.windows.net/");
      const other = await withCloudAudience(inner, endpoints).getToken("https://graph.microsoft.com/.default");
      assert.equal(decodeClaims(other?.token ?? "").aud, "https://graph.microsoft.com/", "other scopes pass through");
    });
  });
});
