// @ts-check
// A section of scripts/bench.js that runs one benchmark script in its own process (it needs the sandbox CA in
// NODE_EXTRA_CA_CERTS before Node starts) and returns its lines. Needs `npm run build` first.
"use strict";
const path = require("node:path");
const { spawn } = require("node:child_process");

function childSection(name, script, timeoutMs) {
  return {
    name,
    run(context) {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(__dirname, script)], { cwd: context.root, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
        child.on("close", (code, signal) => {
          clearTimeout(timer);
          const lines = stdout.split("\n").filter(Boolean);
          if (code !== 0) {
            context.failed = true;
            lines.push(`${name}: benchmark failed (${signal ?? `exit ${code}`}): ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
          }
          resolve(lines);
        });
      });
    },
  };
}

module.exports = { childSection };
