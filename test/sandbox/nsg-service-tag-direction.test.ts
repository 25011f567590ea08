import assert from "node:assert/strict";
import { desiredRules } from "../../provisioner/steps/network-security-group";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm, rejectsWithCode, rgId, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

describe("sandbox: an outbound security rule to an inbound-only service tag (AzureDevOps) is refused", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  const rg = "rg-tags";
  const api = "api-version=2024-05-01";
  const nsgPath = (name: string) => `${rgId(sandbox, rg)}/providers/Microsoft.Network/networkSecurityGroups/${name}`;
  const rule = (direction: string, remote: string) => ({
    properties: {
      protocol: "Tcp",
      access: "Allow",
      priority: 100,
      direction,
      sourcePortRange: "*",
      destinationPortRange: "443",
      ...(direction === "Outbound"
        ? { sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: remote }
        : { sourceAddressPrefix: remote, destinationAddressPrefix: "*" }),
    },
  });

  before(async () => {
    sandbox = await startTestSandbox({ lroMs: 0 });
    clients = sandboxClients(sandbox);
    await rawArm(sandbox, clients.credential, "PUT", `${rgId(sandbox, rg)}?api-version=2024-03-01`, { location: "westeurope" });
    const nsg = await rawArm(sandbox, clients.credential, "PUT", `${nsgPath("nsg")}?${api}`, { location: "westeurope" });
    assert.ok(nsg.status < 300, JSON.stringify(nsg.json));
  });
  after(() => sandbox.close());

  it("refuses the rule as a child resource, naming the value, and keeps nothing", async () => {
    for (const tag of ["AzureDevOps", "AzureDevOps.WestEurope", "GatewayManager"]) {
      const put = await rawArm(sandbox, clients.credential, "PUT", `${nsgPath("nsg")}/securityRules/out-${tag}?${api}`, rule("Outbound", tag));
      assert.equal(put.status, 400, JSON.stringify(put.json));
      assert.equal(put.json.error.code, "SecurityRuleInvalidAddressPrefix");
      assert.match(
        put.json.error.message,
        new RegExp(`has invalid Address prefix\\. Value provided: ${tag.replace(".", "\\.")}\\. Service tag \\w+ is for inbound traffic only`),
      );
    }
    const rules = await rawArm(sandbox, clients.credential, "GET", `${nsgPath("nsg")}/securityRules?${api}`);
    assert.deepEqual(rules.json.value, []);
  });

  it("refuses it inline in an NSG PUT through the SDK, before the NSG is created", async () => {
    await rejectsWithCode(
      clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait(rg, "nsg-inline", {
        location: "westeurope",
        securityRules: [
          {
            name: "AllowAzureDevOpsOutbound",
            protocol: "Tcp",
            access: "Allow",
            priority: 100,
            direction: "Outbound",
            sourcePortRange: "*",
            destinationPortRange: "443",
            sourceAddressPrefix: "VirtualNetwork",
            destinationAddressPrefixes: ["AzureActiveDirectory", "AzureDevOps"],
          },
        ],
      }),
      "SecurityRuleInvalidAddressPrefix",
    );
    const read = await rawArm(sandbox, clients.credential, "GET", `${nsgPath("nsg-inline")}?${api}`);
    assert.equal(read.status, 404);
  });

  it("accepts the same tag as the source of an inbound rule, and Internet or AzureCloud as outbound destinations", async () => {
    const inbound = await rawArm(sandbox, clients.credential, "PUT", `${nsgPath("nsg")}/securityRules/in-devops?${api}`, rule("Inbound", "AzureDevOps"));
    assert.ok(inbound.status < 300, JSON.stringify(inbound.json));
    for (const [name, tag] of [
      ["out-internet", "Internet"],
      ["out-cloud", "AzureCloud"],
    ]) {
      const put = await rawArm(sandbox, clients.credential, "PUT", `${nsgPath("nsg")}/securityRules/${name}?${api}`, {
        ...rule("Outbound", tag),
        properties: { ...rule("Outbound", tag).properties, priority: name === "out-internet" ? 110 : 120 },
      });
      assert.ok(put.status < 300, JSON.stringify(put.json));
    }
  });

  it("the provisioner's agent rules use no inbound-only tag outbound (Azure DevOps through Internet on 443)", () => {
    const outbound = desiredRules(["10.0.0.0/16"]).filter((r) => r.direction === "Outbound");
    assert.ok(
      outbound.every((r) => !r.remote.includes("AzureDevOps")),
      JSON.stringify(outbound),
    );
    const devops = outbound.find((r) => r.name === "AllowAzureDevOpsOutbound");
    assert.deepEqual([devops?.remote, devops?.ports, devops?.protocol], [["Internet"], ["443"], "Tcp"]);
  });
});
