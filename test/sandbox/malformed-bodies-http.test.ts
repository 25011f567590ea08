import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { referenceNames } from "../../sandbox/scenarios/reference-topology";
import { rawArm, rgId, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

/**
 * Bodies of the wrong JSON shape, sent raw as a hand-written script might. Before the sandbox narrowed request bodies
 * (issue 10 item 1) these crashed it with a 500 or were read key by key; now each is a clean refusal that names the
 * property, and nothing is stored.
 */
describe("sandbox over HTTPS: malformed NSG rule, subnet, AKS, job and token bodies are refused, not crashed on", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  let n: ReturnType<typeof referenceNames>;
  let network: string;
  let wsId: string;

  before(async () => {
    sandbox = await startTestSandbox({ scenario: "reference", lroMs: 0 });
    clients = sandboxClients(sandbox);
    n = referenceNames(sandbox.env.AZURE_SUBSCRIPTION_ID);
    network = `${rgId(sandbox, n.resourceGroup)}/providers/Microsoft.Network`;
    wsId = `${rgId(sandbox, n.resourceGroup)}/providers/Microsoft.MachineLearningServices/workspaces/${n.workspace}`;
    const nsg = await rawArm(sandbox, clients.credential, "PUT", `${network}/networkSecurityGroups/nsg-malformed?api-version=2024-05-01`, {
      location: "westeurope",
    });
    assert.equal(nsg.status, 201);
  });
  after(() => sandbox.close());

  it("an NSG rule whose sourcePortRanges is a string: 400 InvalidRequestFormat naming the property, no rule stored", async () => {
    const rule = `${network}/networkSecurityGroups/nsg-malformed/securityRules/bad-ports?api-version=2024-05-01`;
    const refused = await rawArm(sandbox, clients.credential, "PUT", rule, {
      properties: {
        protocol: "Tcp",
        access: "Allow",
        direction: "Inbound",
        priority: 200,
        sourcePortRanges: "80",
        destinationPortRange: "443",
        sourceAddressPrefix: "*",
        destinationAddressPrefix: "*",
      },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.code, "InvalidRequestFormat");
    assert.match(refused.json.error.message, /'sourcePortRanges'.*must be an array/);
    assert.deepEqual(refused.json.error.details, [
      { code: "InvalidJson", message: `Error converting value "80" to an array. Path 'properties.sourcePortRanges'.` },
    ]);
    assert.equal((await rawArm(sandbox, clients.credential, "GET", rule)).status, 404);
  });

  it("a subnet whose delegations is an object: 400 InvalidRequestFormat, no subnet stored", async () => {
    const subnet = `${network}/virtualNetworks/${n.amlVnet}/subnets/snet-bad-delegations?api-version=2024-05-01`;
    const refused = await rawArm(sandbox, clients.credential, "PUT", subnet, {
      properties: { addressPrefix: "10.10.200.0/24", delegations: { name: "d", properties: { serviceName: "Microsoft.Network/dnsResolvers" } } },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.code, "InvalidRequestFormat");
    assert.match(refused.json.error.message, /'delegations'/);
    assert.equal((await rawArm(sandbox, clients.credential, "GET", subnet)).status, 404);
  });

  it("an AKS agent pool whose vnetSubnetID is a number: 400 InvalidParameter on agentPoolProfile.vnetSubnetID", async () => {
    const refused = await rawArm(
      sandbox,
      clients.credential,
      "PUT",
      `${rgId(sandbox, n.resourceGroup)}/providers/Microsoft.ContainerService/managedClusters/aks-malformed?api-version=2024-05-01`,
      { location: "westeurope", properties: { dnsPrefix: "aks", agentPoolProfiles: [{ name: "sys", vnetSubnetID: 42 }] } },
    );
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.code, "InvalidParameter");
    assert.match(refused.json.error.message, /vnetSubnetID is invalid: subnet '42' does not exist/);
  });

  it("a job update whose properties is an array: 400 UserError; the job is unchanged", async () => {
    const job = `${wsId}/jobs/malformed_update?api-version=2024-04-01`;
    const created = await rawArm(sandbox, clients.credential, "PUT", job, { properties: { jobType: "Command", experimentName: "exp", displayName: "kept" } });
    assert.equal(created.status, 201);
    const refused = await rawArm(sandbox, clients.credential, "PUT", job, { properties: [] });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.code, "UserError");
    assert.match(refused.json.error.message, /properties must be a JSON object/);
    assert.equal((await rawArm(sandbox, clients.credential, "GET", job)).json.properties.displayName, "kept");
  });

  it("a bearer token whose JOSE header is JSON null: 401 InvalidAuthenticationToken", async () => {
    const token = `${Buffer.from("null").toString("base64url")}.${Buffer.from("{}").toString("base64url")}.c2ln`;
    const response = await fetch(`${sandbox.origin}${rgId(sandbox, n.resourceGroup)}?api-version=2024-03-01`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, "InvalidAuthenticationToken");
  });
});
