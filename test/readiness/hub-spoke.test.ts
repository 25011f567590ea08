import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runReadinessCheck } from "../../readiness/engine";
import type { ReadinessReport } from "../../readiness/finding";
import type { RequestLogEntry } from "../../sandbox/http/request-log";
import { buildHubSpoke, type HubSpokeIds } from "../../sandbox/scenarios/hub-spoke";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { sandboxClientsFor } from "./helpers";

const DNS = "2024-06-01";

/**
 * Hub-and-spoke across two subscriptions: the zones and the agents' VNet in the hub, the workspace, its endpoints
 * and the AML VNet in the spoke. The engine follows the IDs into the other subscription and reads it with list
 * calls; a finding about a hub resource names the hub resource.
 */
describe("readiness engine on a hub-and-spoke layout across subscriptions", () => {
  let sandbox: RunningSandbox;
  let ids: HubSpokeIds;
  let logDir: string;
  let logFile: string;
  beforeEach(async () => {
    logDir = mkdtempSync(join(tmpdir(), "amlvnet-hub-spoke-"));
    logFile = join(logDir, "requests.jsonl");
    sandbox = await startTestSandbox({ requestLog: logFile });
    ids = buildHubSpoke(sandbox.armClient, sandbox.directory);
  });
  afterEach(async () => {
    await sandbox.close();
    rmSync(logDir, { recursive: true, force: true });
  });

  const check = (): Promise<ReadinessReport> =>
    runReadinessCheck({ workspaceId: ids.workspaceId, agentVnetId: ids.agentVnetId, cloud: "AzureCloud", failOn: "warning" }, sandboxClientsFor(sandbox));
  const armGets = (): string[] =>
    readFileSync(logFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RequestLogEntry)
      .filter((e) => e.method === "GET" && e.path.toLowerCase().startsWith("/subscriptions/"))
      .map((e) => e.path.split("?")[0].toLowerCase());

  it("comes out ready, with the hub read across subscriptions through list calls", async () => {
    assert.notEqual(ids.hubSubscriptionId, ids.spokeSubscriptionId);
    const report = await check();
    assert.deepEqual(report.findings, []);
    assert.equal(report.ready, true);
    for (const category of ["subnet", "nsg", "private-endpoint", "dns", "peering"])
      assert.ok(
        report.checks.some((c) => c.category === category),
        `no ${category} check ran`,
      );
    assert.ok(report.checks.some((c) => c.id === "peering.connected:vnet-hub-agents:vnet-aml"));
    // The landing zone is judged, not assumed: every AML flow through the firewall, and the DNS chain through the resolver.
    const firewallChecks = report.checks.filter((c) => c.id.startsWith("route.firewall-flow:afw-hub:snet-training:"));
    assert.equal(firewallChecks.length, 14, report.checks.map((c) => c.id).join("\n"));
    assert.ok(firewallChecks.some((c) => c.id.endsWith(":westeurope.tundra.azureml.ms-udp-5831")));
    assert.ok(report.checks.some((c) => c.id === "dns.zone-linked:privatelink.api.azureml.ms:vnet-hub-agents"));

    const gets = armGets();
    const list = (subscriptionId: string, type: string): string => `/subscriptions/${subscriptionId}/providers/microsoft.network/${type}`.toLowerCase();
    for (const subscriptionId of [ids.hubSubscriptionId, ids.spokeSubscriptionId]) {
      for (const type of ["virtualNetworks", "networkSecurityGroups", "privateEndpoints", "privateDnsZones"]) {
        assert.ok(gets.includes(list(subscriptionId, type)), `no list of ${type} in subscription ${subscriptionId}:\n${gets.join("\n")}`);
      }
    }
    // Links and records of the hub zones are read in the hub subscription, one list call per zone and kind.
    const hubZoneReads = gets.filter((p) =>
      p.startsWith(`/subscriptions/${ids.hubSubscriptionId}/resourcegroups/rg-hub-network/providers/microsoft.network/privatednszones/`),
    );
    assert.equal(hubZoneReads.filter((p) => p.endsWith("/virtualnetworklinks")).length, 6);
    assert.equal(hubZoneReads.filter((p) => p.endsWith("/a")).length, 6);
    assert.equal(new Set(gets).size, gets.length, "a GET was repeated");
  });

  it("a central zone not linked to the hub VNet: both spokes resolve through the resolver to public DNS, and the finding names the zone and the resolver", async () => {
    const zone = "privatelink.api.azureml.ms";
    sandbox.armClient.delete(ids.hubLinkId(zone), DNS);
    const report = await check();
    assert.equal(report.ready, false);
    assert.deepEqual(
      report.findings.map((f) => f.id).sort(),
      [`dns.zone-linked:${zone}:vnet-aml`, `dns.zone-linked:${zone}:vnet-hub-agents`],
      JSON.stringify(report.findings, null, 1),
    );
    for (const finding of report.findings) {
      assert.deepEqual([finding.category, finding.severity, finding.resourceId], ["dns", "error", ids.zoneId(zone)]);
      assert.match(finding.message, /inbound endpoint in-hub \(10\.0\.2\.4\) of DNS resolver dnspr-hub answers as from VNet vnet-hub/);
      assert.match(
        finding.fix,
        new RegExp(
          `^az network private-dns link vnet create --subscription ${ids.hubSubscriptionId} --resource-group rg-hub-network --zone-name privatelink\\.api\\.azureml\\.ms .*--virtual-network ${ids.hub.hubVnetId}`,
        ),
      );
    }
    sandbox.armClient.put(ids.hubLinkId(zone), DNS, {
      location: "global",
      properties: { virtualNetwork: { id: ids.hub.hubVnetId }, registrationEnabled: false },
    });
    assert.deepEqual((await check()).findings, []);
  });
});
