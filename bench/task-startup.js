// @ts-check
// (b) The bundled task's start-to-first-output time: `node index.js` spawned from a temporary copy of
// dist/tasks/<Task>/ (no node_modules anywhere above it) with a minimal set of INPUT_* variables, timed until the
// first byte on stdout. No service connection is given, so the task stops at reading it; every network
// connection outside loopback is refused (no-network.js). Median of 5 runs against 0.5 s.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { formatMetric, median } = require("./report");

const TASK = "AmlNetworkGateV1";
const RUNS = 5;
const TARGET_SECONDS = 0.5;
const RUN_TIMEOUT_MS = 30_000;
const SUBSCRIPTION = "/subscriptions/00000000-0000-0000-0000-000000000000";

function minimalEnv(workDir) {
  return {
    PATH: process.env.PATH,
    NODE_OPTIONS: `--require ${path.join(__dirname, "no-network.js")}`,
    AGENT_TEMPDIRECTORY: workDir,
    AGENT_WORKFOLDER: workDir,
    SYSTEM_DEFAULTWORKINGDIRECTORY: workDir,
    SYSTEM_CULTURE: "en-US",
    AMLVNET_IMDS_ENDPOINT: "http://127.0.0.1:9",
    INPUT_AZURESUBSCRIPTION: "bench-connection",
    INPUT_WORKSPACE: `${SUBSCRIPTION}/resourceGroups/rg-bench/providers/Microsoft.MachineLearningServices/workspaces/mlw-bench`,
    INPUT_AGENTVNET: `${SUBSCRIPTION}/resourceGroups/rg-bench/providers/Microsoft.Network/virtualNetworks/vnet-agents`,
    INPUT_FAILON: "error",
    INPUT_PROBE: "false",
    INPUT_PIPELINEACTION: "none",
  };
}

/** Seconds from spawn to the first stdout byte; the process is killed then (its later output is not needed). */
function timeToFirstOutput(entry, workDir) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [entry], { cwd: workDir, env: minimalEnv(workDir), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let settled = false;
    const finish = (error, seconds) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      if (error) reject(error);
      else resolve(seconds);
    };
    const timer = setTimeout(() => finish(new Error(`no output within ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
    child.stdout.once("data", () => finish(undefined, Number(process.hrtime.bigint() - started) / 1e9));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", (error) => finish(error));
    child.on("exit", (code) => finish(new Error(`exited with ${code} before writing to stdout: ${stderr.trim()}`)));
  });
}

module.exports = {
  name: "task-startup",
  async run(context) {
    if (!fs.existsSync(path.join(context.root, "tasks", TASK, "index.ts"))) {
      return [`task start-to-first-output: skipped (tasks/${TASK}/index.ts does not exist yet)`];
    }
    const built = await context.ensurePackage();
    const bundled = path.join(context.root, "dist", "tasks", TASK);
    if (!built.ok || !fs.existsSync(path.join(bundled, "index.js"))) {
      return [`task start-to-first-output: skipped (${built.ok ? `dist/tasks/${TASK}/index.js is missing` : built.reason})`];
    }
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "amlvnet-bench-"));
    try {
      const taskDir = path.join(workDir, TASK);
      fs.cpSync(bundled, taskDir, { recursive: true });
      const entry = path.join(taskDir, "index.js");
      await timeToFirstOutput(entry, workDir); // warm-up: the file cache, not the task, would dominate a cold run
      const samples = [];
      for (let i = 0; i < RUNS; i += 1) samples.push(await timeToFirstOutput(entry, workDir));
      return [
        formatMetric({
          name: "task start-to-first-output",
          value: median(samples),
          unit: "s",
          target: TARGET_SECONDS,
          detail: `(median of ${RUNS}: ${samples.map((s) => s.toFixed(3)).join(", ")})`,
        }),
      ];
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  },
};
