#!/usr/bin/env node
// @ts-check
// Benchmark of the provisioner (issue 5), one run, one line per metric with its ratio to the target:
//   scale  wall time of `amlvnet apply` for 20 agents divided by that for 1          target: ≤ 1.2
//          with the VMs' insides instant (the sandbox registers each agent once its extension succeeds), so the
//          ratio is the provisioner's; then informative, with the real agent package run by every sandbox VM,
//          where 20 VMs' scripts (RSA keys, Node listeners) share this machine's cores.
//   writes ARM writes per agent (the 20-agent run's writes beyond the 1-agent run's)   target: ≤ 3 (NIC, VM, extension)
//   polls  operation polls per long-running operation                                 target: ≤ 3
//   early  polls sooner than the Retry-After the sandbox sent                         target: 0
// Each apply runs the CLI against its own in-process sandbox (reference scenario, --lro-ms 2000), so the runs are
// measured side by side in one run of this script.
"use strict";
const { spawn } = require("node:child_process");
const { once } = require("node:events");
const { mkdirSync, readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { BUILD, runWithSandboxCa } = require("./sandbox-ca");
const { formatMetric } = require("./report");

const LRO_MS = 2000;
const SCALE_TARGET = 1.2;
// How much earlier than Retry-After a poll may come before it counts as early (timer and log granularity).
const EARLY_TOLERANCE_MS = 100;
const POLL_PATH = /\/(operations|operationResults|privateDnsOperationStatuses|privateDnsOperationResults|asyncoperations)\/[^/]+$/i;

async function applyOnce(stateDir, count, realAgents) {
  const { startSandbox } = require(join(BUILD, "sandbox/sandbox"));
  const dir = join(stateDir, `apply-${count}-${realAgents ? "real" : "instant"}`);
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, "requests.jsonl");
  const sandbox = await startSandbox({
    scenario: "reference",
    lroMs: LRO_MS,
    stateDir,
    requestLog: logFile,
    runExtensions: realAgents,
    extensionTimeoutMs: 300_000,
  });
  const { minimalConfig, simulateAgents, SSH_KEY } = require(join(BUILD, "test/provisioner/harness"));
  const stopAgents = realAgents ? () => undefined : simulateAgents(sandbox, "aml-private");
  try {
    writeFileSync(join(dir, "id_ed25519.pub"), SSH_KEY + "\n");
    writeFileSync(join(dir, "agents.json"), JSON.stringify(minimalConfig(sandbox, count)));
    const env = { PATH: process.env.PATH, NODE_OPTIONS: process.env.NODE_OPTIONS, ...sandbox.env };
    const started = performance.now();
    const child = spawn(process.execPath, [join(BUILD, "cli/main.js"), "apply", "-f", join(dir, "agents.json"), "--poll-interval", "1", "--timeout", "10"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const [code] = await once(child, "exit");
    const wallMs = performance.now() - started;
    if (code !== 0) throw new Error(`apply of ${count} agents exited ${code}: ${output.trim().split("\n").slice(-3).join(" | ")}`);
    const entries = readFileSync(logFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    return { wallMs, ...analyse(entries) };
  } finally {
    stopAgents();
    await sandbox.close();
  }
}

function analyse(entries) {
  const arm = entries.filter((e) => e.path.startsWith("/subscriptions/"));
  const writes = arm.filter((e) => ["PUT", "PATCH", "DELETE", "POST"].includes(e.method));
  const operations = new Map(
    writes
      .filter((e) => e.operation)
      .map((e) => [e.operation, { startedAt: Date.parse(e.time) + e.durationMs, retryAfterMs: (e.retryAfter ?? 0) * 1000, polls: [] }]),
  );
  for (const e of arm) {
    if (e.method !== "GET" || !POLL_PATH.test(e.path.split("?")[0])) continue;
    const operation = operations.get(e.path.split("?")[0]);
    if (operation) operation.polls.push(Date.parse(e.time));
  }
  let polls = 0;
  let early = 0;
  for (const operation of operations.values()) {
    let previous = operation.startedAt;
    for (const at of operation.polls.sort((a, b) => a - b)) {
      if (at - previous < operation.retryAfterMs - EARLY_TOLERANCE_MS) early++;
      previous = at;
      polls++;
    }
  }
  return { writes: writes.length, operations: operations.size, polls, early };
}

async function main(stateDir) {
  const one = await applyOnce(stateDir, 1, false);
  const twenty = await applyOnce(stateDir, 20, false);
  const secs = (ms) => (ms / 1000).toFixed(1);
  const ratio = (a, b) => Number((a.wallMs / b.wallMs).toFixed(3));
  console.log(
    formatMetric({
      name: "provisioner 20 agents vs 1 (wall)",
      value: ratio(twenty, one),
      unit: "×",
      target: SCALE_TARGET,
      detail: `(${secs(twenty.wallMs)} s for 20, ${secs(one.wallMs)} s for 1, --lro-ms ${LRO_MS}, VM insides instant)`,
    }),
  );
  const realOne = await applyOnce(stateDir, 1, true);
  const realTwenty = await applyOnce(stateDir, 20, true);
  console.log(
    `provisioner 20 agents vs 1 with the real agent package on every VM: ${ratio(realTwenty, realOne)}× (${secs(realTwenty.wallMs)} s for 20, ${secs(realOne.wallMs)} s for 1; informative: 20 VMs' scripts share this machine's cores)`,
  );
  const perAgent = (twenty.writes - one.writes) / 19;
  console.log(
    formatMetric({
      name: "provisioner ARM writes per agent",
      value: Number(perAgent.toFixed(2)),
      unit: "writes",
      target: 3,
      detail: `(${one.writes} writes for 1 agent, ${twenty.writes} for 20)`,
    }),
  );
  const runs = [one, twenty, realOne, realTwenty];
  const total = { operations: 0, polls: 0, early: 0 };
  for (const run of runs) for (const key of Object.keys(total)) total[key] += run[key];
  console.log(
    formatMetric({
      name: "provisioner polls per operation",
      value: Number((total.polls / total.operations).toFixed(2)),
      unit: "polls",
      target: 3,
      detail: `(${total.polls} polls for ${total.operations} long-running operations in 4 applies)`,
    }),
  );
  console.log(`provisioner polls sooner than Retry-After: ${total.early} of ${total.polls} (target 0) ${total.early === 0 ? "ok" : "OVER"}`);
}

if (require.main === module) runWithSandboxCa(__filename, main);
