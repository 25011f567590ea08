#!/usr/bin/env node
// @ts-check
// npm run demo: the whole story on the local sandbox, every command using nothing but the environment the sandbox
// printed. 1) the reference architecture, listed through the SDKs; 2) `amlvnet check` from the agents' VNet: READY;
// 3) a bad change drops a private DNS zone link, one side of the peering and the AKS cluster's role; 4) the check
// finds them, with fixes; the Deploy stage's view (--target aks-inference) and the role fix applied;
// 5) `amlvnet apply` bootstraps a 2-agent pool in that VNet, which repairs the peering and the link and brings the
// agents online; 6) the check passes again; 7) `amlvnet status`. Step 2b adds the probe (DNS and TCP) as an agent
// inside the VNet sees it.
"use strict";
// npm run demo -- --scenario hub-spoke: the landing-zone story instead (scripts/demo-hub.js).
if (process.argv.slice(2).join(" ").includes("hub-spoke")) require("./demo-hub");
else main();

function main() {
  const { spawn } = require("node:child_process");
  const { generateKeyPairSync } = require("node:crypto");
  const { mkdtempSync, writeFileSync, rmSync } = require("node:fs");
  const { tmpdir } = require("node:os");
  const { join } = require("node:path");
  const { createInterface } = require("node:readline");

  // --state-dir DIR is passed on to the sandbox (the test that runs the demo gives it its own).
  const at = process.argv.indexOf("--state-dir");
  const stateDir = at > 0 && process.argv[at + 1] ? ["--state-dir", process.argv[at + 1]] : [];
  const sandbox = spawn(process.execPath, ["build/cli/main.js", "sandbox", "--scenario", "reference", ...stateDir], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: sandbox.stdout });
  const workDir = mkdtempSync(join(tmpdir(), "amlvnet-demo-"));
  let done = false;

  const { step } = require("./demo-step");

  /** An OpenSSH ed25519 public key line (the VMs take SSH keys only; the private key is thrown away). */
  function sshPublicKey() {
    const raw = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" }).subarray(-32);
    const field = (buffer) => Buffer.concat([Buffer.from([0, 0, 0, buffer.length]), buffer]);
    return `ssh-ed25519 ${Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]).toString("base64")} amlvnet-demo`;
  }

  lines.once("line", (line) => {
    const ready = JSON.parse(line);
    const env = { ...process.env, ...ready.env };
    console.log(`Sandbox ready at ${ready.armEndpoint} (Entra ID, ARM, Azure DevOps and the AML data plane on one loopback port).`);
    for (const [key, value] of Object.entries(ready.env)) console.log(`  ${key}=${/SECRET|PAT/.test(key) ? "***" : value}`);
    const rg = `/subscriptions/${ready.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-mlops-secure`;
    const workspace = `${rg}/providers/Microsoft.MachineLearningServices/workspaces/mlw-secure`;
    const agentVnet = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-bastion`;
    const check = ["build/cli/main.js", "check", "--workspace", workspace, "--agent-vnet", agentVnet];
    // The check as an agent inside vnet-bastion runs it with --probe: DNS from the sandbox's DNS server (Azure DNS as
    // seen in vnet-bastion), TCP to the private IPs through the sandbox's loopback stand-ins (never to 10.x).
    const probe = ["build/scripts/demo/probe-from-agent.js", "--workspace", workspace, "--agent-vnet", agentVnet, "--dns-server", ready.dnsServer];
    writeFileSync(join(workDir, "id_ed25519.pub"), sshPublicKey() + "\n");
    const config = join(workDir, "agents.yaml");
    writeFileSync(
      config,
      [
        `subscription: ${ready.env.AZURE_SUBSCRIPTION_ID}`,
        "resourceGroup: rg-agents",
        "location: westeurope",
        `workspace: ${workspace}`,
        "network:",
        `  vnet: { id: ${agentVnet} }          # the agents' existing VNet`,
        "  subnet: { name: snet-pool, prefix: 10.20.2.0/24 }",
        "pool: { name: aml-private, mode: vms, count: 2 }",
        "vm: { size: Standard_D2s_v5, adminUser: azureuser, sshPublicKeyFile: ./id_ed25519.pub }",
        "bootstrap: extension",
        "",
      ].join("\n"),
    );
    let ok = true;
    ok = step("1. The reference architecture of the source documents, as the SDKs see it", ["build/scripts/demo/show-topology.js"], env) && ok;
    ok = step("2. Check it from the agents' VNet (vnet-bastion): READY", check, env) && ok;
    ok =
      step(
        "2b. The same check with --probe, as on an agent in vnet-bastion: every endpoint name resolves to its private IP and answers on TCP 443",
        probe,
        env,
      ) && ok;
    ok =
      step(
        "3. A bad change: drop a private DNS zone link, one side of the peering and the AKS cluster's Network Contributor role",
        ["build/scripts/demo/plant-faults.js"],
        env,
      ) && ok;
    ok = step("4. Check again: NOT READY, each finding with its fix", check, env, 1) && ok;
    ok = step("4b. The Deploy stage's gate (--target aks-inference): the inference finding too", [...check, "--target", "aks-inference"], env, 1) && ok;
    ok =
      step(
        '4c. Apply the inference finding\'s fix: az role assignment create ... --role "Network Contributor"',
        ["build/scripts/demo/apply-role-fix.js"],
        env,
      ) && ok;
    console.log(`\nThe provisioner's config (${config}):\n`);
    console.log(require("node:fs").readFileSync(config, "utf8"));
    ok = step("5a. Plan: what apply would change (nothing is written)", ["build/cli/main.js", "plan", "-f", config], env) && ok;
    ok =
      step(
        "5b. Apply: agent subnet and NSG, peering both ways, zone links, 2 agent VMs registered with the PAT from AZURE_DEVOPS_EXT_PAT",
        ["build/cli/main.js", "apply", "-f", config, "--poll-interval", "0.5"],
        env,
      ) && ok;
    ok = step("6. Check again from the agents' VNet: READY", check, env) && ok;
    ok = step("7. The pool and its agents", ["build/cli/main.js", "status", "-f", config], env) && ok;
    console.log(
      ok
        ? "\nDemo complete: the check found the faults, apply repaired them with the agents online, the check passed."
        : "\nThe demo did not go as expected (see above).",
    );
    done = true;
    sandbox.kill("SIGTERM");
    rmSync(workDir, { recursive: true, force: true });
    process.exitCode = ok ? 0 : 1;
  });

  sandbox.on("exit", (code) => {
    if (!done) {
      console.error(`the sandbox exited before it was ready (code ${code})`);
      process.exitCode = 1;
    }
  });
}
