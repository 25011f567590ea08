import assert from "node:assert/strict";
import type { Finding } from "../../readiness/finding";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { applyAzFix, azArguments } from "../helpers/az-fixes";
import { amlvnet } from "../helpers/cli";
import { type ReferenceIds, startReferenceSandbox } from "../readiness/helpers";

const NET = "2024-07-01";

/** A security rule body denying all outbound traffic at `priority`. */
function denyAllOutboundRule(priority: number) {
  return {
    properties: {
      priority,
      direction: "Outbound",
      access: "Deny",
      protocol: "*",
      sourceAddressPrefix: "*",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "*",
    },
  };
}

/** `amlvnet check --format json` as a user runs it: the findings in the order they are printed. */
async function findings(sandbox: RunningSandbox, ids: ReferenceIds): Promise<Finding[]> {
  const run = await amlvnet(
    ["check", "--workspace", ids.workspaceId, "--agent-vnet", ids.agentVnetId, "--format", "json"],
    sandbox.env as unknown as Record<string, string>,
  );
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  return (JSON.parse(run.stdout) as { findings: Finding[] }).findings;
}

/** The `nsg rule create` commands of a fix: NSG, direction, priority and rule name. */
function createdRules(fix: string): Array<{ nsg: string; direction: string; priority: number; name: string }> {
  return fix
    .split(" && ")
    .filter((c) => c.startsWith("az network nsg rule create "))
    .map((c) => {
      const args = azArguments(c);
      return {
        nsg: String(args.get("nsg-name")),
        direction: String(args.get("direction")),
        priority: Number(args.get("priority")),
        name: String(args.get("name")),
      };
    });
}

describe("fixes apply as printed (amlvnet check --format json, then each fix in order, then check again)", () => {
  let sandbox: RunningSandbox;
  let ids: ReferenceIds;
  let nsgId: string;
  beforeEach(async () => {
    ({ sandbox, ids } = await startReferenceSandbox());
    nsgId = ids.trainingNsgId;
  });
  afterEach(() => sandbox.close());

  /** The fault both fix orders repair: a deny-all outbound rule above the training NSG's allow rules. */
  const denyAllOutbound = () => sandbox.armClient.put(`${nsgId}/securityRules/DenyAllOutbound`, NET, denyAllOutboundRule(105));

  it("the sandbox refuses a second rule at the same priority and direction (SecurityRuleConflict), as Azure does", () => {
    const body = {
      properties: {
        priority: 100,
        direction: "Outbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefix: "*",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "22",
      },
    };
    assert.throws(() => sandbox.armClient.put(`${nsgId}/securityRules/Clash`, NET, body), /SecurityRuleConflict/);
  });

  it("a deny-all outbound rule: one fix per rule, distinct priorities per NSG and direction, all applied in order make the NSG checks pass", async () => {
    denyAllOutbound();
    const nsgFindings = (await findings(sandbox, ids)).filter((f) => f.category === "nsg");
    assert.ok(nsgFindings.length >= 10, JSON.stringify(nsgFindings, null, 1));
    const fixes = nsgFindings.map((f) => f.fix);
    assert.equal(new Set(fixes).size, fixes.length, "identical fixes are printed once");
    // Each rule one priority, and no two rules of one NSG and direction on the same priority.
    const priorityOf = new Map<string, number>();
    for (const rule of fixes.flatMap(createdRules)) {
      const known = priorityOf.get(`${rule.nsg}/${rule.direction}/${rule.name}`);
      assert.ok(known === undefined || known === rule.priority, `${rule.name} asked at two priorities`);
      priorityOf.set(`${rule.nsg}/${rule.direction}/${rule.name}`, rule.priority);
    }
    const slots = [...priorityOf].map(([key, priority]) => `${key.split("/").slice(0, 2).join("/")}/${priority}`);
    assert.equal(new Set(slots).size, slots.length, `distinct priorities: ${slots.join(", ")}`);
    // TCP 443 and 18881 to AzureMachineLearning are one rule: one finding names both ports.
    assert.ok(
      nsgFindings.some((f) => /outbound TCP 443, 18881 to AzureMachineLearning/.test(f.message)),
      nsgFindings.map((f) => f.message).join("\n"),
    );
    for (const fix of fixes) applyAzFix(sandbox.armClient, fix);
    // Every flow of the AML tables passes now (the path model's own rules are judged by its tests).
    assert.deepEqual(
      (await findings(sandbox, ids)).filter((f) => f.id.startsWith("nsg.flow:")),
      [],
    );
  });

  it("the same fixes apply in reverse order too (each command stands alone)", async () => {
    denyAllOutbound();
    const fixes = (await findings(sandbox, ids)).filter((f) => f.category === "nsg").map((f) => f.fix);
    for (const fix of fixes.reverse()) applyAzFix(sandbox.armClient, fix);
    assert.deepEqual(
      (await findings(sandbox, ids)).filter((f) => f.id.startsWith("nsg.flow:")),
      [],
    );
  });

  it("deny-all outbound at priority 100 in the agents' NSG and 101 in the training NSG: the fixes move each Deny back, every rule before it, all checks pass after", async () => {
    // At 100 nothing is free before the Deny; at 101 the training NSG's own Allow already holds 100.
    sandbox.armClient.put(`${ids.net}/networkSecurityGroups/${ids.names.agentNsg}/securityRules/deny-all-out`, NET, denyAllOutboundRule(100));
    sandbox.armClient.put(`${nsgId}/securityRules/deny-all-out`, NET, denyAllOutboundRule(101));
    const nsgFindings = (await findings(sandbox, ids)).filter((f) => f.category === "nsg");
    assert.ok(
      nsgFindings.some((f) => f.id.startsWith("path.reach:vnet-bastion/")),
      nsgFindings.map((f) => f.id).join("\n"),
    );
    const slots = new Map<string, string>();
    for (const rule of nsgFindings.flatMap((f) => createdRules(f.fix))) {
      const slot = `${rule.nsg}/${rule.direction}/${rule.priority}`;
      assert.ok(!slots.has(slot) || slots.get(slot) === rule.name, `${slot} taken by ${slots.get(slot)} and ${rule.name}`);
      slots.set(slot, rule.name);
    }
    for (const fix of nsgFindings.map((f) => f.fix)) applyAzFix(sandbox.armClient, fix);
    const after = await findings(sandbox, ids);
    assert.deepEqual(
      after.map((f) => f.id),
      [],
      JSON.stringify(
        after.map((f) => [f.message, f.fix]),
        null,
        1,
      ) + nsgFindings.map((f) => f.fix).join("\n"),
    );
  });

  for (const order of ["printed", "reverse"] as const) {
    it(`the demo's broken peering (agent side deleted, the other Disconnected): the fixes work in ${order} order`, async () => {
      sandbox.armClient.delete(`${ids.agentVnetId}/virtualNetworkPeerings/vp_basvnet_amlvnet`, NET);
      const fixes = (await findings(sandbox, ids)).filter((f) => f.category === "peering").map((f) => f.fix);
      assert.ok(fixes.length >= 2, fixes.join("\n"));
      for (const fix of order === "printed" ? fixes : fixes.reverse()) applyAzFix(sandbox.armClient, fix);
      const after = await findings(sandbox, ids);
      assert.deepEqual(
        after.map((f) => f.id),
        [],
      );
    });
  }
});
