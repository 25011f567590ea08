#!/usr/bin/env node
// npm run demo: starts the local sandbox with the reference scenario, then lists what is in it through the real
// SDK clients, using nothing but the environment the sandbox printed.
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const { createInterface } = require("node:readline");

const sandbox = spawn(process.execPath, ["build/cli/main.js", "sandbox", "--scenario", "reference"], { stdio: ["ignore", "pipe", "inherit"] });
const lines = createInterface({ input: sandbox.stdout });
let done = false;

lines.once("line", (line) => {
  const ready = JSON.parse(line);
  console.log(`Sandbox ready at ${ready.armEndpoint} (Entra ID, ARM and Azure DevOps on one loopback port).`);
  console.log("Its environment (export these to point the Azure SDKs and amlvnet at it; the secrets are per run):");
  for (const [key, value] of Object.entries(ready.env)) console.log(`  ${key}=${/SECRET|PAT/.test(key) ? "***" : value}`);
  console.log("\nThe reference scenario (the source documents' architecture), as the SDKs see it:\n");
  const result = spawnSync(process.execPath, ["build/cli/demo/show-topology.js"], { stdio: "inherit", env: { ...process.env, ...ready.env } });
  done = true;
  sandbox.kill("SIGTERM");
  process.exitCode = result.status ?? 1;
});

sandbox.on("exit", (code) => {
  if (!done) {
    console.error(`the sandbox exited before it was ready (code ${code})`);
    process.exitCode = 1;
  }
});
