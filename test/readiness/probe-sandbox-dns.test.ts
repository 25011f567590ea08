import assert from "node:assert/strict";
import { runReadinessCheck } from "../../readiness/engine";
import type { ReadinessReport } from "../../readiness/finding";
import { dnsServerResolver } from "../../readiness/probe/resolver";
import { probeStep } from "../../readiness/probe-step";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { referenceIds, sandboxClientsFor } from "./helpers";
import { listen, type LoopbackListener } from "./probe/listeners";

/**
 * The probe against the sandbox's own DNS server (Azure DNS as seen from one VNet), every private IP mapped to one
 * loopback listener so TCP never leaves 127.0.0.0/8: from the agent VNet everything resolves; from a VNet the zones
 * are not linked to, the names do not resolve, and the findings blame the resolver path, not records that exist.
 */
describe("probe through the sandbox's DNS server", () => {
  const sandboxes: RunningSandbox[] = [];
  let listener: LoopbackListener;
  before(async () => {
    listener = await listen("127.0.0.1");
  });
  after(async () => {
    await Promise.all(sandboxes.map((s) => s.close()));
    await listener.close();
  });

  async function probeCheck(
    dnsVnet?: (ids: ReturnType<typeof referenceIds>) => string,
  ): Promise<{ report: ReadinessReport; ids: ReturnType<typeof referenceIds>; sandbox: RunningSandbox }> {
    const plain = await startTestSandbox({ scenario: "reference" });
    sandboxes.push(plain);
    const ids = referenceIds(plain);
    let sandbox = plain;
    if (dnsVnet) {
      // Same seed, same IDs: a second sandbox whose DNS answers as inside another VNet.
      sandbox = await startTestSandbox({ scenario: "reference", dnsVnetId: dnsVnet(ids) });
      sandboxes.push(sandbox);
    }
    const report = await runReadinessCheck(
      {
        workspaceId: ids.workspaceId,
        agentVnetId: ids.agentVnetId,
        cloud: "AzureCloud",
        failOn: "error",
        probe: probeStep({
          resolver: dnsServerResolver(sandbox.dns.address),
          timeoutMs: 2000,
          connectTo: () => ({ host: listener.host, port: listener.port }),
        }),
      },
      sandboxClientsFor(sandbox),
    );
    return { report, ids, sandbox };
  }

  it("from the agent VNet (the default view): every endpoint FQDN resolves to its private IP, the probe checks pass", async () => {
    const { report } = await probeCheck();
    const probes = report.checks.filter((c) => c.category === "probe");
    assert.ok(probes.length >= 10, `${probes.length} probe checks`);
    assert.deepEqual(report.findings, []);
    assert.equal(report.ready, true);
  });

  it("from a VNet the zones are not linked to: no 'add the A record', the probe is said to run outside the agent VNet", async () => {
    const { report } = await probeCheck((ids) => `${ids.net}/virtualNetworks/vnet-elsewhere`);
    // Names under the inference wildcard are judged by the wildcard checks; every other name blames the resolver path.
    const probes = report.findings.filter((f) => f.category === "probe" && !f.id.includes(".inference."));
    assert.ok(probes.length >= 5, JSON.stringify(report.findings, null, 1));
    for (const finding of probes) {
      assert.equal(finding.severity, "warning");
      assert.match(finding.message, /the record is right, this machine's resolver does not answer from that zone\. The probe is running outside vnet-bastion/);
      assert.doesNotMatch(finding.fix, /add the A record|add-record/);
    }
  });

  it("a record really missing from the zone is still blamed on the record", async () => {
    const plain = await startTestSandbox({ scenario: "reference" });
    sandboxes.push(plain);
    const ids = referenceIds(plain);
    const zone = ids.zoneId("privatelink.vaultcore.azure.net");
    const record = `${zone}/A/kv-mlw-secure`;
    assert.ok(plain.armClient.get(record, "2024-06-01"), "the reference holds the vault's record");
    plain.armClient.delete(record, "2024-06-01");
    const report = await runReadinessCheck(
      {
        workspaceId: ids.workspaceId,
        agentVnetId: ids.agentVnetId,
        cloud: "AzureCloud",
        failOn: "error",
        probe: probeStep({ resolver: dnsServerResolver(plain.dns.address), timeoutMs: 2000, connectTo: () => ({ host: listener.host, port: listener.port }) }),
      },
      sandboxClientsFor(plain),
    );
    const probe = report.findings.find((f) => f.id === "probe.dns:kv-mlw-secure.vault.azure.net");
    assert.ok(probe, JSON.stringify(report.findings.map((f) => f.id)));
    assert.equal(probe.severity, "error");
    assert.match(probe.fix, /add the A record of kv-mlw-secure\.vault\.azure\.net/);
  });
});
