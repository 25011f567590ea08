#!/usr/bin/env node
// npm run demo: starts the local sandbox with the reference scenario, lists it through the real SDK clients, checks
// it with `amlvnet check`, breaks it the way a bad change would, and checks again: every command uses nothing but
// the environment the sandbox printed.
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const { createInterface } = require("node:readline");

const sandbox = spawn(process.execPath, ["build/cli/main.js", "sandbox", "--scenario", "reference"], { stdio: ["ignore", "pipe", "inherit"] });
const lines = createInterface({ input: sandbox.stdout });
let done = false;

function step(title, args, env) {
  console.log(`\n=== ${title}\n$ ${args.map((a) => (a.includes(" ") ? `'${a}'` : a)).join(" ")}\n`);
  return spawnSync(process.execPath, args, { stdio: "inherit", env }).status;
}

lines.once("line", (line) => {
  const ready = JSON.parse(line);
  const env = { ...process.env, ...ready.env };
  console.log(`Sandbox ready at ${ready.armEndpoint} (Entra ID, ARM and Azure DevOps on one loopback port).`);
  console.log("Its environment (export these to point the Azure SDKs and amlvnet at it; the secrets are per run):");
  for (const [key, value] of Object.entries(ready.env)) console.log(`  ${key}=${/SECRET|PAT/.test(key) ? "***" : value}`);
  const rg = `/subscriptions/${ready.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-mlops-secure`;
  const check = ["build/cli/main.js", "check", "--workspace", `${rg}/providers/Microsoft.MachineLearningServices/workspaces/mlw-secure`, "--agent-vnet", `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-bastion`];
  let failed = false;
  failed ||= step("The reference architecture of the source documents, as the SDKs see it", ["build/cli/demo/show-topology.js"], env) !== 0;
  failed ||= step("Check it from the agents' VNet (vnet-bastion): expect READY", check, env) !== 0;
  failed ||= step("Break it: drop a private DNS zone link and one side of the peering", ["build/cli/demo/plant-faults.js"], env) !== 0;
  const broken = step("Check again: expect NOT READY, each finding with its fix", check, env);
  failed ||= broken !== 1;
  console.log(failed ? "\nThe demo did not go as expected (see above)." : "\nThe check found both faults and printed the command that fixes each.");
  done = true;
  sandbox.kill("SIGTERM");
  process.exitCode = failed ? 1 : 0;
});

sandbox.on("exit", (code) => {
  if (!done) {
    console.error(`the sandbox exited before it was ready (code ${code})`);
    process.exitCode = 1;
  }
});
