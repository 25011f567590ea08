// The readiness engine's section of scripts/bench.js: runs bench/readiness.js in its own process (it needs the
// sandbox CA in NODE_EXTRA_CA_CERTS before Node starts) and returns its lines. Needs `npm run build` first.
"use strict";
const path = require("node:path");
const { spawn } = require("node:child_process");

const RUN_TIMEOUT_MS = 120_000;

module.exports = {
  name: "readiness",
  run(context) {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(__dirname, "readiness.js")], { cwd: context.root, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const timer = setTimeout(() => child.kill("SIGTERM"), RUN_TIMEOUT_MS);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        const lines = stdout.split("\n").filter(Boolean);
        if (code !== 0) {
          context.failed = true;
          lines.push(`readiness: benchmark failed (${signal ?? `exit ${code}`}): ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
        }
        resolve(lines);
      });
    });
  },
};
