#!/usr/bin/env node
// @ts-check
// Runs the mocha suite with a sandbox CA that exists before Node starts: NODE_EXTRA_CA_CERTS is read only at
// process start, so the runner creates the CA, then starts mocha with it trusted. Extra arguments go to mocha.
"use strict";
const { spawnSync } = require("node:child_process");
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { prepareTls } = require("../build/sandbox/http/tls");

const stateDir = mkdtempSync(join(tmpdir(), "amlvnet-test-"));
let status = 1;
try {
  const tls = prepareTls(stateDir);
  const args = process.argv.slice(2);
  const files = args.some((a) => a.endsWith(".js")) ? [] : ["build/test/**/*.test.js"];
  const result = spawnSync(
    process.execPath,
    [require.resolve("mocha/bin/mocha.js"), "--require", "build/test/helpers/loopback-guard.js", "--timeout", "60000", ...files, ...args],
    { stdio: "inherit", env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.caCertPath, AMLVNET_TEST_STATE_DIR: stateDir } },
  );
  status = result.status ?? 1;
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
process.exit(status);
