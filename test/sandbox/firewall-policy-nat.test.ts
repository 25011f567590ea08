import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm, rgId, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

/** The DNAT rule of azure-rest-api-specs network 2024-05-01 example FirewallPolicyNatRuleCollectionGroupPut.json. */
const NAT_RULE = {
  ruleType: "NatRule",
  name: "nat-rule1",
  translatedFqdn: "internalhttp.server.net",
  translatedPort: "8080",
  ipProtocols: ["TCP", "UDP"],
  sourceAddresses: ["2.2.2.2"],
  sourceIpGroups: [],
  destinationAddresses: ["152.23.32.23"],
  destinationPorts: ["8080"],
};

describe("sandbox: firewall policy DNAT rule collections (FirewallPolicyNatRuleCollectionGroupPut.json)", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  let policy: string;

  before(async () => {
    sandbox = await startTestSandbox({ lroMs: 0 });
    clients = sandboxClients(sandbox);
    assert.equal(
      (await rawArm(sandbox, clients.credential, "PUT", `${rgId(sandbox, "rg-nat")}?api-version=2024-03-01`, { location: "westeurope" })).status,
      201,
    );
    policy = `${rgId(sandbox, "rg-nat")}/providers/Microsoft.Network/firewallPolicies/firewallPolicy`;
    const created = await rawArm(sandbox, clients.credential, "PUT", `${policy}?api-version=2024-05-01`, { location: "westeurope", properties: {} });
    assert.equal(created.status, 201);
  });
  after(() => sandbox.close());

  const group = (rules: unknown[]) => ({
    properties: {
      priority: 100,
      ruleCollections: [
        { ruleCollectionType: "FirewallPolicyNatRuleCollection", priority: 100, name: "Example-Nat-Rule-Collection", action: { type: "DNAT" }, rules },
      ],
    },
  });

  it("returns the example's rule as the example's response shows it", async () => {
    const url = `${policy}/ruleCollectionGroups/ruleCollectionGroup1?api-version=2024-05-01`;
    assert.equal((await rawArm(sandbox, clients.credential, "PUT", url, group([NAT_RULE]))).status, 201);
    const read = await rawArm(sandbox, clients.credential, "GET", url);
    assert.deepEqual(read.json.properties.ruleCollections[0].rules, [NAT_RULE]);
  });
});
