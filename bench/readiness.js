#!/usr/bin/env node
// @ts-check
// Benchmark of the readiness engine (issue 3), one run, one line per metric with its ratio to the target:
//   reads  ARM reads per resource checked on the reference scenario        target: reads ≤ resources + 10
//   wall   the check's wall time against the same reads made one by one    (informative)
//   chain  the check's wall time against the slowest dependency chain       target: wall ≤ 2 × chain
//   cpu    CPU to judge a generated hub-and-spoke, 200 VNets, 5,000 rules   target: < 3 s
//   fw cpu the same estate behind an Azure Firewall whose policy has 2,000 rules in 20 collection groups
//          (base + child policy), every required flow of every spoke judged   target: < 3 s
// The sandbox runs in this process at --latency-ms 50. NODE_EXTRA_CA_CERTS is read only at start, so like
// scripts/run-tests.js this creates the sandbox CA first and re-runs itself with it. Needs `npm run build`.
"use strict";
const { join } = require("node:path");
const { BUILD, runWithSandboxCa } = require("./sandbox-ca");

const LATENCY_MS = 50;
const CPU_TARGET_MS = 3000;

const fmt = (n, digits = 2) => n.toFixed(digits);

/** (a) and (b): one check of the reference scenario through the real SDK clients, then the log replayed one by one. */
async function measureReads(stateDir) {
  const { startSandbox } = require(join(BUILD, "sandbox/sandbox"));
  const { runReadinessCheck } = require(join(BUILD, "readiness/engine"));
  const { referenceIds, sandboxClientsFor } = require(join(BUILD, "test/readiness/helpers"));
  const log = require(join(BUILD, "test/readiness/read-log"));
  const logFile = join(stateDir, "requests.jsonl");
  const sandbox = await startSandbox({ scenario: "reference", latencyMs: LATENCY_MS, stateDir, requestLog: logFile });
  try {
    const ids = referenceIds(sandbox);
    const started = performance.now();
    const report = await runReadinessCheck(
      { workspaceId: ids.workspaceId, agentVnetId: ids.agentVnetId, cloud: "AzureCloud", failOn: "error" },
      sandboxClientsFor(sandbox),
    );
    const wallMs = performance.now() - started;
    if (!report.ready) throw new Error(`the reference scenario is not ready: ${report.findings.map((f) => f.id).join(", ")}`);
    const entries = log.readRequestLog(logFile);
    const armReads = entries.filter(log.isArm).length;
    const checked = log.resourcesChecked(sandbox.arm.store.resources()).length;
    const chain = log.dependencyChain(entries, [ids.names.subscriptionId]);
    const sequentialMs = await replaySequentially(sandbox, entries);
    return { wallMs, armReads, checked, requests: entries.length, chain, chainLength: log.chainLength(chain), sequentialMs };
  } finally {
    await sandbox.close();
  }
}

/** The same requests the check made, in log order, one at a time, with raw fetch and one bearer token. */
async function replaySequentially(sandbox, entries) {
  const { origin, env } = sandbox;
  let token;
  const started = performance.now();
  for (const entry of entries) {
    if (entry.method === "POST" && entry.path.includes("/oauth2/")) {
      const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: env.AZURE_CLIENT_ID,
        client_secret: env.AZURE_CLIENT_SECRET,
        scope: "https://management.azure.com/.default",
      });
      const response = await fetch(`${origin}/${env.AZURE_TENANT_ID}/oauth2/v2.0/token`, { method: "POST", body: form });
      token = /** @type {{ access_token: string }} */ (await response.json()).access_token;
      continue;
    }
    if (entry.method !== "GET") throw new Error(`the check made a ${entry.method} request: ${entry.path}`);
    const response = await fetch(`${origin}${entry.path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`replaying GET ${entry.path} answered ${response.status}`);
  }
  return performance.now() - started;
}

/** (c): CPU to judge a topology built in memory (building it is not timed); with `firewall`, behind a 2,000-rule policy. */
async function measureCpu(firewall = false) {
  const { judgeTopology } = require(join(BUILD, "readiness/engine"));
  const { generateHubSpoke } = require(join(BUILD, "test/readiness/large-topology"));
  const large = generateHubSpoke({ vnets: 200, nsgRules: 5000, computeSubnets: 1000 });
  const { topology, options, counts } = large;
  if (firewall) Object.assign(counts, require(join(BUILD, "test/readiness/large-firewall")).addLargeFirewall(large, { rules: 2000, groups: 20 }));
  const before = process.cpuUsage();
  const report = await judgeTopology(topology, options);
  const used = process.cpuUsage(before);
  if (!report.ready)
    throw new Error(
      `the generated topology is not ready: ${report.findings
        .slice(0, 3)
        .map((f) => f.id)
        .join(", ")}`,
    );
  return { cpuMs: (used.user + used.system) / 1000, counts, checks: report.checks.length };
}

async function main(stateDir) {
  const { formatMetric } = require("./report");
  const r = await measureReads(stateDir);
  const perResource = `${fmt(r.armReads / r.checked)} reads/resource`;
  console.log(
    formatMetric({
      name: "readiness ARM reads",
      value: r.armReads,
      unit: "reads",
      target: r.checked + 10,
      detail: `for ${r.checked} resources checked, ${perResource}; target = resources + 10`,
    }),
  );
  console.log(
    `readiness wall vs one by one: ${fmt(r.wallMs, 0)} ms for the check, ${fmt(r.sequentialMs, 0)} ms for the same ${r.requests} requests one by one at ${LATENCY_MS} ms latency (${fmt(r.wallMs / r.sequentialMs)}× of one by one)`,
  );
  const chainMs = r.chainLength * LATENCY_MS;
  const stages = r.chain.map((s) => `${s.name}${s.length > 1 ? ` x${s.length}` : ""}`).join(" > ");
  const detail = `(${fmt(r.wallMs / chainMs)}× the slowest dependency chain, ${r.chainLength} x ${LATENCY_MS} ms = ${chainMs} ms: ${stages}); target = 2 × chain`;
  console.log(formatMetric({ name: "readiness wall vs dependency chain", value: Math.round(r.wallMs), unit: "ms", target: 2 * chainMs, detail }));
  const c = await measureCpu();
  const what = `for ${c.counts.vnets} VNets, ${c.counts.nsgRules} NSG rules, ${c.counts.computes} compute subnets × ${c.counts.endpoints} endpoints with the path model (${c.checks} checks)`;
  console.log(formatMetric({ name: "readiness judge CPU", value: Math.round(c.cpuMs), unit: "ms", target: CPU_TARGET_MS, detail: what }));
  const f = await measureCpu(true);
  const fwWhat = `for the same estate behind an Azure Firewall policy of ${f.counts.rules} rules in ${f.counts.groups} collection groups (${f.checks} checks)`;
  console.log(formatMetric({ name: "readiness judge CPU with firewall", value: Math.round(f.cpuMs), unit: "ms", target: CPU_TARGET_MS, detail: fwWhat }));
}

if (require.main === module) runWithSandboxCa(__filename, main);
