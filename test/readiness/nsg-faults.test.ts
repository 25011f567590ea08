import assert from "node:assert/strict";
import { runReadinessCheck } from "../../readiness/engine";
import type { Finding, ReadinessReport } from "../../readiness/finding";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { azArguments, nsgRuleFromFix } from "../helpers/az-fixes";
import { type ReferenceIds, sandboxClientsFor, startReferenceSandbox } from "./helpers";

const NET = "2024-07-01";

/**
 * NSG faults planted on the reference architecture's training NSG: a Deny rule that shadows a flow the seed
 * tables require is an error naming the rule, a situational flow is a warning, and the `az network nsg rule create`
 * in the fix, PUT as the security rule it describes, makes the next check clean.
 */
describe("readiness engine: NSG rules that shadow the flows AML compute needs", () => {
  let sandbox: RunningSandbox;
  let ids: ReferenceIds;
  let nsgId: string;
  beforeEach(async () => {
    ({ sandbox, ids } = await startReferenceSandbox());
    nsgId = ids.trainingNsgId;
  });
  afterEach(() => sandbox.close());

  const check = (): Promise<ReadinessReport> =>
    runReadinessCheck({ workspaceId: ids.workspaceId, agentVnetId: ids.agentVnetId, cloud: "AzureCloud", failOn: "error" }, sandboxClientsFor(sandbox));
  const rule = (name: string, properties: Record<string, unknown>) =>
    sandbox.armClient.put(`${nsgId}/securityRules/${name}`, NET, { properties: { sourcePortRange: "*", protocol: "Tcp", ...properties } });
  const only = (report: ReadinessReport): Finding => {
    assert.equal(report.findings.length, 1, JSON.stringify(report.findings, null, 1));
    return report.findings[0];
  };
  const applyFix = async (finding: Finding): Promise<void> => {
    const { id, body } = nsgRuleFromFix(finding.fix);
    sandbox.armClient.put(id, NET, body);
    const after = await check();
    assert.deepEqual(
      after.findings.map((f) => f.id),
      [],
    );
    assert.equal(after.ready, true);
  };

  it("outbound: a Deny on the global Storage tag before the Storage.westeurope allow blocks TCP 443 (error)", async () => {
    // NSG priorities start at 100; the reference allows Storage.westeurope at 150, so 145 shadows it.
    rule("DenyStorageHttps", {
      priority: 145,
      direction: "Outbound",
      access: "Deny",
      sourceAddressPrefix: "VirtualNetwork",
      destinationAddressPrefix: "Storage",
      destinationPortRange: "443",
    });
    const report = await check();
    const finding = only(report);
    assert.equal(report.ready, false);
    assert.deepEqual(
      [finding.id, finding.category, finding.severity, finding.resourceId],
      ["nsg.flow:snet-training:outbound:Storage.westeurope:tcp/443", "nsg", "error", nsgId],
    );
    assert.match(finding.message, /outbound TCP 443 to Storage\.westeurope/);
    assert.match(finding.message, /rule DenyStorageHttps \(priority 145 in nsg-training\) denies it/);
    assert.match(
      finding.fix,
      /--priority 144 --direction Outbound --access Allow --protocol Tcp .*--destination-address-prefixes Storage\.westeurope .*--destination-port-ranges 443$/,
    );
    await applyFix(finding);
  });

  it("inbound: 44224 from AzureMachineLearning shadowed by a custom Deny from Internet (error)", async () => {
    // The allow moves behind a broader Deny: AzureMachineLearning is inside Internet, so the Deny decides first.
    rule("AllowAzureMLInbound", {
      priority: 300,
      direction: "Inbound",
      access: "Allow",
      sourceAddressPrefix: "AzureMachineLearning",
      destinationAddressPrefix: "VirtualNetwork",
      destinationPortRange: "44224",
    });
    rule("DenyInternetInbound", {
      priority: 200,
      direction: "Inbound",
      access: "Deny",
      protocol: "*",
      sourceAddressPrefix: "Internet",
      destinationAddressPrefix: "*",
      destinationPortRange: "*",
    });
    const report = await check();
    const finding = only(report);
    assert.deepEqual(
      [finding.id, finding.severity, finding.resourceId, report.ready],
      ["nsg.flow:snet-training:inbound:AzureMachineLearning:tcp/44224", "error", nsgId, false],
    );
    assert.match(finding.message, /inbound TCP 44224 from AzureMachineLearning .*rule DenyInternetInbound \(priority 200 in nsg-training\) denies it/);
    assert.match(finding.fix, /--priority 199 --direction Inbound --access Allow --protocol Tcp --source-address-prefixes AzureMachineLearning /);
    await applyFix(finding);
  });

  it("situational: AzureMonitor 443 blocked is a warning, and the network stays ready with --fail-on error", async () => {
    rule("DenyMonitor", {
      priority: 195,
      direction: "Outbound",
      access: "Deny",
      sourceAddressPrefix: "*",
      destinationAddressPrefix: "AzureMonitor",
      destinationPortRange: "443",
    });
    const report = await check();
    const finding = only(report);
    assert.deepEqual(
      [finding.id, finding.severity, finding.resourceId, report.ready],
      ["nsg.flow:snet-training:outbound:AzureMonitor:tcp/443", "warning", nsgId, true],
    );
    assert.match(finding.message, /rule DenyMonitor \(priority 195 in nsg-training\) denies it.*\(situational\)/);
    assert.equal(report.summary.warnings, 1);
    await applyFix(finding);
  });

  it("a Deny at priority 100 leaves no free priority before it: the fix moves it back and takes its place", async () => {
    // Replace the Entra allow at 100 by a Deny on AzureActiveDirectory 443 and move the allow behind it.
    rule("AllowEntraOutbound", {
      priority: 250,
      direction: "Outbound",
      access: "Allow",
      sourceAddressPrefix: "VirtualNetwork",
      destinationAddressPrefix: "AzureActiveDirectory",
      destinationPortRanges: ["80", "443"],
    });
    rule("DenyEntraHttps", {
      priority: 100,
      direction: "Outbound",
      access: "Deny",
      sourceAddressPrefix: "*",
      destinationAddressPrefix: "AzureActiveDirectory",
      destinationPortRange: "443",
    });
    const finding = only(await check());
    assert.equal(finding.id, "nsg.flow:snet-training:outbound:AzureActiveDirectory:tcp/443");
    assert.match(finding.message, /rule DenyEntraHttps \(priority 100 in nsg-training\)/);
    // Nothing is free before 100: the fix moves the Deny to the next free priority and puts the Allow at 100.
    const [move, create] = finding.fix.split(" && ");
    assert.match(move, /^az network nsg rule update .*--nsg-name nsg-training --name DenyEntraHttps --priority 101$/);
    assert.match(create, /^az network nsg rule create .*--priority 100 --direction Outbound --access Allow /);
    const moved = azArguments(move);
    const blockerId = `${nsgId}/securityRules/${moved.get("name")?.[0]}`;
    const blocker = sandbox.armClient.get(blockerId, NET) as { properties: Record<string, unknown> };
    sandbox.armClient.put(blockerId, NET, { properties: { ...blocker.properties, priority: Number(moved.get("priority")?.[0]) } });
    await applyFix({ ...finding, fix: create });
  });
});
