import assert from "node:assert/strict";
import { runReadinessCheck } from "../../readiness/engine";
import type { ReadinessReport } from "../../readiness/finding";
import { dnsServerResolver } from "../../readiness/probe/resolver";
import type { ConnectTo } from "../../readiness/probe/tcp";
import { probeStep } from "../../readiness/probe-step";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { referenceIds, sandboxClientsFor } from "./helpers";
import { startDnsmasq, type RunningDnsmasq } from "./probe/dnsmasq";
import { closedPort, listen, type LoopbackListener } from "./probe/listeners";

const PUBLIC_IP = "20.1.2.3";
/** Public zones of the reference's endpoints: dnsmasq answers them alone (NXDOMAIN for anything unknown). */
const LOCAL_DOMAINS = ["api.azureml.ms", "notebooks.azure.net", "core.windows.net", "vault.azure.net", "azurecr.io"];

interface EndpointName {
  fqdn: string;
  ip: string;
  endpointId: string;
}

/**
 * The whole engine with the probe step, on the reference scenario: names resolve through a real dnsmasq that
 * serves the private endpoints' FQDNs, and each private IP is mapped to a loopback TCP listener, so the probe never
 * leaves 127.0.0.0/8 (the loopback guard fails the test if it tries).
 */
describe("readiness engine with the probe step, through dnsmasq and loopback listeners", () => {
  let sandbox: RunningSandbox;
  let ids: ReturnType<typeof referenceIds>;
  let names: EndpointName[];
  let right: RunningDnsmasq;
  let oneWrong: RunningDnsmasq;
  const listeners = new Map<string, LoopbackListener>();
  let connectTo: ConnectTo;

  before(async () => {
    sandbox = await startTestSandbox({ scenario: "reference" });
    ids = referenceIds(sandbox);
    // The FQDNs and IPs the sandbox gave each endpoint, read back through the SDK like any client would.
    names = [];
    for await (const endpoint of sandboxClientsFor(sandbox)(ids.names.subscriptionId).network.privateEndpoints.listBySubscription()) {
      for (const config of endpoint.customDnsConfigs ?? []) names.push({ fqdn: config.fqdn as string, ip: (config.ipAddresses ?? [])[0], endpointId: endpoint.id as string });
    }
    assert.ok(names.length >= 8 && names.every((n) => /^10\.10\.2\.\d+$/.test(n.ip)), JSON.stringify(names));
    const records = names.map((n): [string, string] => [n.fqdn, n.ip]);
    right = await startDnsmasq({ hostRecords: records, localDomains: LOCAL_DOMAINS });
    oneWrong = await startDnsmasq({ hostRecords: records.map(([fqdn, ip]) => [fqdn, fqdn === blob().fqdn ? PUBLIC_IP : ip]), localDomains: LOCAL_DOMAINS });
    for (const ip of new Set(names.map((n) => n.ip))) listeners.set(ip, await listen("127.0.0.1"));
    const closed = await closedPort();
    connectTo = (ip) => {
      const listener = listeners.get(ip);
      return listener ? { host: listener.host, port: listener.port } : { host: "127.0.0.1", port: closed };
    };
  });
  after(async () => {
    await Promise.all([right?.stop(), oneWrong?.stop(), ...[...listeners.values()].map((l) => l.close())]);
    await sandbox?.close();
  });

  const blob = (): EndpointName => names.find((n) => n.fqdn.endsWith(".blob.core.windows.net")) as EndpointName;
  const vault = (): EndpointName => names.find((n) => n.fqdn.endsWith(".vault.azure.net")) as EndpointName;
  const check = (dns: RunningDnsmasq): Promise<ReadinessReport> =>
    runReadinessCheck(
      { workspaceId: ids.workspaceId, agentVnetId: ids.agentVnetId, cloud: "AzureCloud", failOn: "error", probe: probeStep({ resolver: dnsServerResolver(dns.address, 1000), timeoutMs: 1000, connectTo }) },
      sandboxClientsFor(sandbox),
    );

  it("resolves every endpoint FQDN to its private IP and connects: no finding, a DNS and a TCP check per name", async () => {
    const report = await check(right);
    assert.deepEqual(report.findings, []);
    assert.equal(report.ready, true);
    const probeChecks = report.checks.filter((c) => c.category === "probe").map((c) => c.id).sort();
    const expected = names.flatMap((n) => [`probe.dns:${n.fqdn}`, `probe.tcp:${n.fqdn}`]).sort();
    assert.deepEqual(probeChecks, expected);
  });

  it("a name answered with a public IP is a probe.dns error pointing at the zone to link", async () => {
    const report = await check(oneWrong);
    assert.deepEqual(report.findings.map((f) => [f.id, f.category, f.severity]), [[`probe.dns:${blob().fqdn}`, "probe", "error"]]);
    const [finding] = report.findings;
    assert.equal(report.ready, false);
    assert.equal(finding.resourceId, ids.zoneId("privatelink.blob.core.windows.net"));
    assert.match(finding.message, new RegExp(`public address ${PUBLIC_IP.replace(/\./g, "\\.")}, not to ${blob().ip.replace(/\./g, "\\.")}`));
    assert.match(finding.fix, /az network private-dns link vnet create .*--zone-name privatelink\.blob\.core\.windows\.net .*--virtual-network .*\/vnet-bastion/);
  });

  it("a closed listener behind one endpoint is a probe.tcp error on that endpoint", async () => {
    const target = vault();
    await listeners.get(target.ip)?.close();
    listeners.delete(target.ip);
    const report = await check(right);
    assert.deepEqual(report.findings.map((f) => [f.id, f.severity]), [[`probe.tcp:${target.fqdn}`, "error"]]);
    assert.equal(report.findings[0].resourceId, target.endpointId);
    assert.match(report.findings[0].message, new RegExp(`resolves to ${target.ip.replace(/\./g, "\\.")} but TCP 443 there was refused`));
  });
});
