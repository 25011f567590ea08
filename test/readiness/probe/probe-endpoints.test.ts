import assert from "node:assert/strict";
import { probeEndpoints, probeFindings, type EndpointProbeResult, type ProbeTarget } from "../../../readiness/probe/probe-endpoints";
import { dnsServerResolver } from "../../../readiness/probe/resolver";
import type { ConnectTo } from "../../../readiness/probe/tcp";
import { startDnsmasq, type RunningDnsmasq } from "./dnsmasq";
import { canBind, closedPort, listen, type LoopbackListener } from "./listeners";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000001";
const PE = `${SUB}/resourceGroups/rg-aml/providers/Microsoft.Network/privateEndpoints`;
const AGENT_VNET = `${SUB}/resourceGroups/rg-agents/providers/Microsoft.Network/virtualNetworks/vnet-agents`;
const ZONE_ID = `${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.notebooks.azure.net`;

const WS = "1111aaaa-0000-0000-0000-000000000000.workspace.westeurope.api.azureml.ms";
const NB = "ml-ws-westeurope-1111aaaa.westeurope.notebooks.azure.net";
const BLOB = "stamlws.blob.core.windows.net";
const VAULT = "kv-amlws.vault.azure.net";
const ACR = "cramlws.azurecr.io";

function target(fqdn: string, expectedIp: string, endpointName: string): ProbeTarget {
  return { fqdn, expectedIp, endpointName, resourceId: `${PE}/${endpointName}` };
}

const TARGETS = [
  target(WS, "10.10.2.4", "pe-ws"),
  target(NB, "10.10.2.5", "pe-ws"),
  target(BLOB, "10.10.2.6", "pe-blob"),
  target(VAULT, "10.10.2.7", "pe-vault"),
  target(ACR, "10.10.2.8", "pe-acr"),
];

describe("readiness/probe/probe-endpoints against dnsmasq and loopback listeners", () => {
  let dnsmasq: RunningDnsmasq;
  const listeners: LoopbackListener[] = [];
  let connectTo: ConnectTo;
  let results: EndpointProbeResult[];

  before(async () => {
    dnsmasq = await startDnsmasq({
      hostRecords: [
        [WS, "10.10.2.4"], // right
        [NB, "20.1.2.3"], // public: the zone is not linked
        [VAULT, "10.10.2.7"], // right, but nothing listens
        [ACR, "10.20.0.9"], // another private address
      ],
      localDomains: ["api.azureml.ms", "notebooks.azure.net", "core.windows.net", "vault.azure.net", "azurecr.io"],
    });
    listeners.push(await listen("127.0.0.1"));
    listeners.push((await canBind("127.0.0.2")) ? await listen("127.0.0.2") : await listen("127.0.0.1"));
    const closed = await closedPort();
    const map: Record<string, { host: string; port: number }> = {
      "10.10.2.4": { host: listeners[0].host, port: listeners[0].port },
      "10.20.0.9": { host: listeners[1].host, port: listeners[1].port },
    };
    connectTo = (ip) => map[ip] ?? { host: "127.0.0.1", port: closed };
    results = await probeEndpoints(TARGETS, { resolver: dnsServerResolver(dnsmasq.address, 500), timeoutMs: 500, connectTo });
  });
  after(async () => {
    await dnsmasq?.stop();
    await Promise.all(listeners.map((listener) => listener.close()));
  });

  const byFqdn = (fqdn: string): EndpointProbeResult => results.find((result) => result.target.fqdn === fqdn) as EndpointProbeResult;

  it("keeps the targets' order and records what each name resolved to", () => {
    assert.deepEqual(
      results.map((r) => [r.target.fqdn, r.dns, r.resolved.join(",")]),
      [
        [WS, "match", "10.10.2.4"],
        [NB, "public", "20.1.2.3"],
        [BLOB, "nxdomain", ""],
        [VAULT, "match", "10.10.2.7"],
        [ACR, "other-private", "10.20.0.9"],
      ],
    );
  });

  it("passes the right private IP with TCP open", () => {
    const { findings, checks } = probeFindings([byFqdn(WS)]);
    assert.deepEqual(findings, []);
    assert.deepEqual(
      checks.map((c) => [c.id, c.findingIds.length]),
      [
        [`probe.dns:${WS}`, 0],
        [`probe.tcp:${WS}`, 0],
      ],
    );
    assert.equal(byFqdn(WS).tcp?.ok, true);
  });

  it("says a public answer bypasses the private endpoint and how to link the zone", () => {
    const { findings, checks } = probeFindings([byFqdn(NB)], { agentVnetId: AGENT_VNET, privateDnsZoneIds: { "privatelink.notebooks.azure.net": ZONE_ID } });
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding.id, `probe.dns:${NB}`);
    assert.equal(finding.category, "probe");
    assert.equal(finding.severity, "error");
    assert.match(
      finding.message,
      /resolved through DNS server 127\.0\.0\.1:\d+ to public address 20\.1\.2\.3, not to 10\.10\.2\.5, the IP of private endpoint pe-ws/,
    );
    assert.match(finding.message, /bypass the private endpoint/);
    assert.match(finding.message, /TCP 443 to 20\.1\.2\.3: refused/);
    assert.equal(finding.resourceId, ZONE_ID);
    assert.match(
      finding.fix,
      /^link privatelink\.notebooks\.azure\.net to the agent VNet: az network private-dns link vnet create --subscription 00000000-0000-0000-0000-000000000001 --resource-group rg-dns --zone-name privatelink\.notebooks\.azure\.net --name vnet-agents-link --virtual-network \/subscriptions\/.*\/vnet-agents --registration-enabled false$/,
    );
    assert.deepEqual(
      checks.map((c) => c.id),
      [`probe.dns:${NB}`],
      "no TCP check for an address that is not the endpoint's",
    );
  });

  it("with custom DNS servers, asks for a conditional forwarder instead", () => {
    const { findings } = probeFindings([byFqdn(NB)], { agentVnetId: AGENT_VNET, agentDnsServers: ["10.0.0.4"] });
    assert.equal(
      findings[0].fix,
      "the agent resolves through custom DNS servers (10.0.0.4): add a conditional forwarder for notebooks.azure.net to 168.63.129.16 on them; the forwarding server must sit in a VNet linked to privatelink.notebooks.azure.net",
    );
    assert.equal(findings[0].resourceId, AGENT_VNET);
  });

  it("reports NXDOMAIN with the A record to add", () => {
    const { findings, checks } = probeFindings([byFqdn(BLOB)]);
    assert.deepEqual(
      findings.map((f) => [f.id, f.severity]),
      [[`probe.dns:${BLOB}`, "error"]],
    );
    assert.match(findings[0].message, /did not resolve .*NXDOMAIN.*expected 10\.10\.2\.6/);
    assert.match(
      findings[0].fix,
      /az network private-dns record-set a add-record --resource-group <zone-resource-group> --zone-name privatelink\.blob\.core\.windows\.net --record-set-name stamlws --ipv4-address 10\.10\.2\.6/,
    );
    assert.equal(checks.length, 1);
    assert.equal(byFqdn(BLOB).tcp, undefined);
  });

  it("reports a closed port at the right IP as a TCP finding", () => {
    const { findings, checks } = probeFindings([byFqdn(VAULT)]);
    assert.deepEqual(
      checks.map((c) => [c.id, c.findingIds]),
      [
        [`probe.dns:${VAULT}`, []],
        [`probe.tcp:${VAULT}`, [`probe.tcp:${VAULT}`]],
      ],
    );
    assert.equal(findings[0].id, `probe.tcp:${VAULT}`);
    assert.match(findings[0].message, /resolves to 10\.10\.2\.7 but TCP 443 there was refused/);
    assert.match(findings[0].fix, /private endpoint pe-vault is Approved/);
  });

  it("says which other private address answered and which records to change", () => {
    const { findings } = probeFindings([byFqdn(ACR)]);
    assert.match(findings[0].message, /resolved .* to 10\.20\.0\.9, a different private address, not to 10\.10\.2\.8/);
    assert.match(findings[0].message, /TCP 443 to 10\.20\.0\.9: connected/);
    assert.match(
      findings[0].fix,
      /add-record .* --zone-name privatelink\.azurecr\.io --record-set-name cramlws --ipv4-address 10\.10\.2\.8\n.*remove-record .* --ipv4-address 10\.20\.0\.9$/,
    );
  });
});

describe("readiness/probe/probe-endpoints without a server", () => {
  it("probes at most `concurrency` targets at once, once per FQDN", async () => {
    let inFlight = 0;
    let peak = 0;
    const asked: string[] = [];
    const resolver = {
      description: "a fake resolver",
      async resolve4(name: string): Promise<string[]> {
        asked.push(name);
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight--;
        return ["127.0.0.1"];
      },
    };
    const closed = await closedPort();
    const targets = Array.from({ length: 7 }, (_, i) => target(`n${i}.api.azureml.ms`, "127.0.0.1", "pe"));
    const results = await probeEndpoints([...targets, target("N0.api.azureml.ms.", "127.0.0.1", "pe")], {
      resolver,
      timeoutMs: 500,
      concurrency: 3,
      port: closed,
    });
    assert.equal(peak, 3);
    assert.equal(asked.length, 7);
    assert.deepEqual(
      results.map((r) => r.target.fqdn),
      targets.map((t) => t.fqdn),
    );
    assert.ok(results.every((r) => r.tcp?.error === "refused" && r.tcp.port === closed));
  });

  it("warns when the expected IP comes with other answers", () => {
    const result: EndpointProbeResult = {
      target: target(WS, "10.10.2.4", "pe-ws"),
      resolver: "the system resolver",
      resolved: ["10.10.2.4", "20.1.2.3"],
      dns: "mixed",
      dnsMs: 1,
      tcp: { ok: true, ms: 1, ip: "10.10.2.4", port: 443 },
    };
    const { findings, checks } = probeFindings([result]);
    assert.deepEqual(
      findings.map((f) => [f.id, f.severity]),
      [[`probe.dns:${WS}`, "warning"]],
    );
    assert.match(
      findings[0].fix,
      /record-set-name 1111aaaa-0000-0000-0000-000000000000\.workspace\.westeurope --ipv4-address 10\.10\.2\.4\n.*remove-record .* --ipv4-address 20\.1\.2\.3$/,
    );
    assert.equal(checks.length, 2);
  });

  it("reports a DNS timeout with the time waited", () => {
    const result: EndpointProbeResult = {
      target: target(WS, "10.10.2.4", "pe-ws"),
      resolver: "DNS server 10.0.0.4:53",
      resolved: [],
      dns: "timeout",
      dnsMs: 502,
      dnsCode: "ETIMEOUT",
    };
    const { findings } = probeFindings([result], { agentDnsServers: ["10.0.0.4"] });
    assert.match(findings[0].message, /did not resolve through DNS server 10\.0\.0\.4:53: no answer in time after 502 ms/);
    assert.match(findings[0].fix, /allow UDP and TCP 53 from the agent subnet to its DNS servers \(10\.0\.0\.4\)/);
  });
});
