// @ts-check
// Benchmarks that talk to an in-process sandbox need its CA in NODE_EXTRA_CA_CERTS, which Node reads only at
// start: like scripts/run-tests.js, create the CA in a temporary state folder and re-run the script with it.
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync, mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");

const BUILD = resolve(__dirname, "..", "build");

/** Runs `main(stateDir)` in a process that trusts the sandbox CA and refuses non-loopback connections. */
function runWithSandboxCa(scriptFile, main) {
  const stateDir = process.env.AMLVNET_BENCH_STATE_DIR;
  if (stateDir && process.env.NODE_EXTRA_CA_CERTS) {
    main(stateDir).catch((error) => {
      console.error(`${scriptFile}: ${error.stack ?? error}`);
      process.exit(1);
    });
    return;
  }
  if (!existsSync(join(BUILD, "sandbox/http/tls.js"))) {
    console.error(`${scriptFile}: build/ is missing or stale; run 'npm run build' first`);
    process.exit(2);
  }
  const { prepareTls } = require(join(BUILD, "sandbox/http/tls"));
  const dir = mkdtempSync(join(tmpdir(), "amlvnet-bench-"));
  let status = 1;
  try {
    const tls = prepareTls(dir);
    const nodeOptions = `${process.env.NODE_OPTIONS ?? ""} --require ${join(__dirname, "no-network.js")}`.trim();
    const env = { ...process.env, NODE_OPTIONS: nodeOptions, NODE_EXTRA_CA_CERTS: tls.caCertPath, AMLVNET_BENCH_STATE_DIR: dir };
    status = spawnSync(process.execPath, [scriptFile], { stdio: "inherit", env }).status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(status);
}

module.exports = { BUILD, runWithSandboxCa };
