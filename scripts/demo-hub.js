#!/usr/bin/env node
// npm run demo -- --scenario hub-spoke (or npm run demo:hub): the landing zone on the local sandbox. 1) `amlvnet
// check` from the agents' spoke: READY, every AML flow judged through the hub's Azure Firewall and every zone through
// the DNS Private Resolver; 2) a bad change: a Deny collection ahead of the AML rules in the firewall policy, and the
// central privatelink.api.azureml.ms zone unlinked from the hub VNet; 3) the check names the collection and the
// zone, each with its fix; 4) the fixes applied through ARM; 5) READY again.
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const { join } = require("node:path");
const { createInterface } = require("node:readline");

const BUILD = join(__dirname, "..", "build");
const HUB = "0b0b0b0b-1111-4222-8333-0000000000a1";

// The ARM writes run in a child started with the sandbox's env: NODE_EXTRA_CA_CERTS is read only at start.
if (process.argv[2] === "--hub-writes") {
  hubWrites(process.env, process.argv[3]).catch((error) => {
    console.error(`demo: ${error.message}`);
    process.exitCode = 1;
  });
  return;
}

const sandbox = spawn(process.execPath, [join(BUILD, "cli/main.js"), "sandbox", "--scenario", "hub-spoke"], { stdio: ["ignore", "pipe", "inherit"] });
let done = false;

const { step } = require("./demo-step");

/** ARM writes through the product's own clients, in the hub subscription. */
async function hubWrites(env, change) {
  const { ClientSecretCredential } = require("@azure/identity");
  const { createAzureClients } = require(join(BUILD, "azure/clients"));
  const { resolveCloud } = require(join(BUILD, "azure/cloud"));
  const endpoints = resolveCloud("AzureCloud", env);
  const credential = new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: true,
  });
  const { network, privateDns } = createAzureClients(credential, HUB, endpoints);
  const group = await network.firewallPolicyRuleCollectionGroups.get("rg-hub-network", "afwp-hub", "rcg-aml");
  const others = group.ruleCollections.filter((c) => c.name !== "deny-internet");
  const deny = {
    ruleCollectionType: "FirewallPolicyFilterRuleCollection",
    name: "deny-internet",
    priority: 100,
    action: { type: "Deny" },
    rules: [
      {
        ruleType: "NetworkRule",
        name: "deny-spokes",
        ipProtocols: ["Any"],
        sourceAddresses: ["10.10.0.0/16"],
        destinationAddresses: ["*"],
        destinationPorts: ["*"],
      },
    ],
  };
  await network.firewallPolicyRuleCollectionGroups.beginCreateOrUpdateAndWait("rg-hub-network", "afwp-hub", "rcg-aml", {
    priority: group.priority,
    ruleCollections: change === "break" ? [deny, ...others] : others,
  });
  const zone = "privatelink.api.azureml.ms";
  if (change === "break") {
    await privateDns.virtualNetworkLinks.beginDeleteAndWait("rg-hub-network", zone, "link-vnet-hub");
    console.log(
      "  firewall policy afwp-hub: collection deny-internet (priority 100) added ahead of the AML rules\n  deleted link privatelink.api.azureml.ms -> vnet-hub",
    );
  } else {
    const hubVnet = `/subscriptions/${HUB}/resourceGroups/rg-hub-network/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
    await privateDns.virtualNetworkLinks.beginCreateOrUpdateAndWait("rg-hub-network", zone, "link-vnet-hub", {
      location: "global",
      virtualNetwork: { id: hubVnet },
      registrationEnabled: false,
    });
    console.log("  firewall policy afwp-hub: collection deny-internet removed\n  re-created link privatelink.api.azureml.ms -> vnet-hub");
  }
}

createInterface({ input: sandbox.stdout }).once("line", (line) => {
  const ready = JSON.parse(line);
  const env = { ...process.env, ...ready.env };
  console.log(`Sandbox ready at ${ready.armEndpoint}: a landing zone (hub subscription ${HUB}, spoke ${ready.env.AZURE_SUBSCRIPTION_ID}).`);
  const workspace = `/subscriptions/${ready.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-mlops-secure/providers/Microsoft.MachineLearningServices/workspaces/mlw-secure`;
  const agentVnet = `/subscriptions/${HUB}/resourceGroups/rg-hub-network/providers/Microsoft.Network/virtualNetworks/vnet-hub-agents`;
  const check = [join(BUILD, "cli/main.js"), "check", "--workspace", workspace, "--agent-vnet", agentVnet];
  let ok = true;
  try {
    ok = step("1. Check from the agents' spoke: the firewall and the resolver chain judged, READY", check, env) && ok;
    console.log("\n=== 2. A bad change in the hub");
    ok = spawnSync(process.execPath, [__filename, "--hub-writes", "break"], { stdio: "inherit", env }).status === 0 && ok;
    ok = step("3. Check again: NOT READY, naming the firewall collection and the zone, each with its fix", check, env, 1) && ok;
    console.log("\n=== 4. The fixes, through ARM");
    ok = spawnSync(process.execPath, [__filename, "--hub-writes", "repair"], { stdio: "inherit", env }).status === 0 && ok;
    ok = step("5. Check again: READY", check, env) && ok;
  } catch (error) {
    console.error(`demo: ${error.message}`);
    ok = false;
  }
  console.log(ok ? "\nDemo complete." : "\nThe demo did not go as expected (see above).");
  done = true;
  sandbox.kill("SIGTERM");
  process.exitCode = ok ? 0 : 1;
});

sandbox.on("exit", (code) => {
  if (!done) {
    console.error(`the sandbox exited before it was ready (code ${code})`);
    process.exitCode = 1;
  }
});
