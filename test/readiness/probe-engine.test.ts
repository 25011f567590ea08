import assert from "node:assert/strict";
import { runReadinessCheck } from "../../readiness/engine";
import type { ReadinessReport } from "../../readiness/finding";
import { dnsServerResolver } from "../../readiness/probe/resolver";
import type { ConnectTo } from "../../readiness/probe/tcp";
import { probeStep } from "../../readiness/probe-step";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { type ReferenceIds, sandboxClientsFor, startReferenceSandbox } from "./helpers";
import { startDnsmasq, type RunningDnsmasq } from "./probe/dnsmasq";
import { closedPort, listen, type LoopbackListener } from "./probe/listeners";

const PUBLIC_IP = "20.1.2.3";
/** Public zones of the reference's endpoints: dnsmasq answers them alone (NXDOMAIN for anything unknown). */
const LOCAL_DOMAINS = ["api.azureml.ms", "notebooks.azure.net", "core.windows.net", "vault.azure.net", "azurecr.io"];

interface EndpointName {
  /** The name the probe resolves. */
  fqdn: string;
  ip: string;
  endpointId: string;
  /** The wildcard the endpoint lists, when `fqdn` is the concrete name probed under it. */
  listed?: string;
}

/**
 * The whole engine with the probe step, on the reference scenario: names resolve through a real dnsmasq that
 * serves the private endpoints' FQDNs, and each private IP is mapped to a loopback TCP listener, so the probe never
 * leaves 127.0.0.0/8 (the loopback guard fails the test if it tries).
 */
describe("readiness engine with the probe step, through dnsmasq and loopback listeners", () => {
  let sandbox: RunningSandbox;
  let ids: ReferenceIds;
  let names: EndpointName[];
  let right: RunningDnsmasq;
  let oneWrong: RunningDnsmasq;
  const listeners = new Map<string, LoopbackListener>();
  let connectTo: ConnectTo;

  before(async () => {
    ({ sandbox, ids } = await startReferenceSandbox());
    // The FQDNs and IPs the sandbox gave each endpoint, read back through the SDK like any client would: from the
    // endpoint's NIC (customDnsConfigs is empty once a zone group is attached). A wildcard is probed as a concrete name
    // under its record: *.westeurope.inference.ml.azure.com as amlvnet-probe.<guid>.inference.westeurope.privatelink.api.azureml.ms.
    names = [];
    const network = sandboxClientsFor(sandbox)(ids.names.subscriptionId).network;
    for await (const endpoint of network.privateEndpoints.listBySubscription()) {
      const nicId = endpoint.networkInterfaces?.[0]?.id as string;
      const nic = await network.networkInterfaces.get(ids.names.resourceGroup, nicId.split("/").pop() as string);
      const fqdns = (nic.ipConfigurations ?? []).flatMap((c) => c.privateLinkConnectionProperties?.fqdns ?? []);
      const guid = fqdns.map((f) => /^([0-9a-f-]{36})\.workspace\./.exec(f)?.[1]).find(Boolean);
      for (const ipc of nic.ipConfigurations ?? []) {
        for (const fqdn of ipc.privateLinkConnectionProperties?.fqdns ?? []) {
          const wildcard = /^\*\.([a-z0-9]+)\.inference\.ml\.azure\.com$/.exec(fqdn);
          const probed = wildcard ? `amlvnet-probe.${guid}.inference.${wildcard[1]}.privatelink.api.azureml.ms` : fqdn;
          names.push({ fqdn: probed, ip: ipc.privateIPAddress as string, endpointId: endpoint.id as string, ...(wildcard ? { listed: fqdn } : {}) });
        }
      }
    }
    assert.ok(names.length >= 9 && names.every((n) => /^10\.10\.2\.\d+$/.test(n.ip)), JSON.stringify(names));
    assert.equal(names.filter((n) => n.listed).length, 1, "the workspace endpoint lists the inference wildcard");
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
      {
        workspaceId: ids.workspaceId,
        agentVnetId: ids.agentVnetId,
        cloud: "AzureCloud",
        failOn: "error",
        probe: probeStep({ resolver: dnsServerResolver(dns.address, 1000), timeoutMs: 1000, connectTo }),
      },
      sandboxClientsFor(sandbox),
    );

  it("resolves every endpoint FQDN to its private IP and connects: no finding, a DNS and a TCP check per name", async () => {
    const report = await check(right);
    assert.deepEqual(report.findings, []);
    assert.equal(report.ready, true);
    const probeChecks = report.checks
      .filter((c) => c.category === "probe")
      .map((c) => c.id)
      .sort();
    const expected = names.flatMap((n) => [`probe.dns:${n.fqdn}`, `probe.tcp:${n.fqdn}`]).sort();
    assert.deepEqual(probeChecks, expected);
  });

  it("probes the inference wildcard through a concrete name under its record, and blames that wildcard record when it is missing", async () => {
    const inference = names.find((n) => n.listed) as EndpointName;
    const report = await check(right);
    const title = report.checks.find((c) => c.id === `probe.dns:${inference.fqdn}`)?.title ?? "";
    assert.match(title, /a name under \*\.westeurope\.inference\.ml\.azure\.com/);
    assert.ok(!report.checks.some((c) => c.category === "probe" && c.id.includes("*")), "no wildcard is resolved literally");
    const without = await startDnsmasq({
      hostRecords: names.filter((n) => n !== inference).map((n): [string, string] => [n.fqdn, n.ip]),
      localDomains: LOCAL_DOMAINS,
    });
    try {
      const broken = await check(without);
      const finding = broken.findings.find((f) => f.id === `probe.dns:${inference.fqdn}`);
      assert.ok(finding, JSON.stringify(broken.findings));
      assert.match(finding.fix, /--zone-name privatelink\.api\.azureml\.ms --record-set-name \*\.[0-9a-f-]{36}\.inference\.westeurope/);
    } finally {
      await without.stop();
    }
  });

  it("a name answered with a public IP is a probe.dns error pointing at the zone to link", async () => {
    const report = await check(oneWrong);
    assert.deepEqual(
      report.findings.map((f) => [f.id, f.category, f.severity]),
      [[`probe.dns:${blob().fqdn}`, "probe", "error"]],
    );
    const [finding] = report.findings;
    assert.equal(report.ready, false);
    assert.equal(finding.resourceId, ids.zoneId("privatelink.blob.core.windows.net"));
    assert.match(finding.message, new RegExp(`public address ${PUBLIC_IP.replace(/\./g, "\\.")}, not to ${blob().ip.replace(/\./g, "\\.")}`));
    assert.match(
      finding.fix,
      /az network private-dns link vnet create .*--zone-name privatelink\.blob\.core\.windows\.net .*--virtual-network .*\/vnet-bastion/,
    );
  });

  it("a closed listener behind one endpoint is a probe.tcp error on that endpoint", async () => {
    const target = vault();
    await listeners.get(target.ip)?.close();
    listeners.delete(target.ip);
    const report = await check(right);
    assert.deepEqual(
      report.findings.map((f) => [f.id, f.severity]),
      [[`probe.tcp:${target.fqdn}`, "error"]],
    );
    assert.equal(report.findings[0].resourceId, target.endpointId);
    assert.match(report.findings[0].message, new RegExp(`resolves to ${target.ip.replace(/\./g, "\\.")} but TCP 443 there was refused`));
  });
});
