import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, minimalConfig, readLog, resourceSet, simulateAgents, startProvisionerSandbox, writeConfig, writesIn } from "./harness";

describe("amlvnet apply repairs drift: a re-run fixes only what changed", () => {
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  let logFile: string;
  let config: string;
  let initial: string[];
  let stopAgents: () => void;
  const sub = () => sandbox.env.AZURE_SUBSCRIPTION_ID;
  const agentVnet = () => `/subscriptions/${sub()}/resourceGroups/rg-agents/providers/Microsoft.Network/virtualNetworks/vnet-agents`;
  const amlVnet = () => `/subscriptions/${sub()}/resourceGroups/rg-mlops-secure/providers/Microsoft.Network/virtualNetworks/vnet-aml`;
  const apply = () => amlvnet(["apply", "-f", config, "--poll-interval", "0.05", "--timeout", "0.5"], env);

  before(async () => {
    const started = await startProvisionerSandbox();
    ({ sandbox, env, logFile } = started);
    config = writeConfig(started.dir, "agents.yaml", minimalConfig(sandbox, 2));
    initial = resourceSet(sandbox);
    stopAgents = simulateAgents(sandbox, "aml-private");
    const first = await apply();
    assert.equal(first.code, 0, first.stdout + first.stderr);
  });
  after(async () => {
    stopAgents();
    await sandbox.close();
  });

  it("re-creates a Disconnected peering before creating the other side (no RemotePeeringIsDisconnected) and waits for Connected", async () => {
    assert.equal(sandbox.armClient.delete(`${agentVnet()}/virtualNetworkPeerings/amlvnet-peer-vnet-aml`, "2024-05-01"), 202);
    const stale = sandbox.armClient.get(`${amlVnet()}/virtualNetworkPeerings/amlvnet-peer-vnet-agents`, "2024-05-01") as {
      properties: { peeringState: string };
    };
    assert.equal(stale.properties.peeringState, "Disconnected");

    const plan = await amlvnet(["plan", "-f", config], env);
    assert.match(plan.stdout, /^\+ create peering vnet-agents\/amlvnet-peer-vnet-aml \(to vnet-aml\)$/m);
    assert.match(plan.stdout, /^~ update peering vnet-aml\/amlvnet-peer-vnet-agents \(Disconnected: re-created\)$/m);

    const run = await apply();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /^updated peering vnet-aml\/amlvnet-peer-vnet-agents \(Disconnected: re-created\)\ncreated peering vnet-agents\/amlvnet-peer-vnet-aml/m,
    );
    for (const id of [`${agentVnet()}/virtualNetworkPeerings/amlvnet-peer-vnet-aml`, `${amlVnet()}/virtualNetworkPeerings/amlvnet-peer-vnet-agents`]) {
      assert.equal((sandbox.armClient.get(id, "2024-05-01") as { properties: { peeringState: string } }).properties.peeringState, "Connected", id);
    }
    assert.match(run.stdout, /^READY/m);
  });

  it("re-creates a VM deleted by hand (with its NIC and extension) and touches nothing else", async () => {
    const vmId = `/subscriptions/${sub()}/resourceGroups/rg-agents/providers/Microsoft.Compute/virtualMachines/vm-aml-private-2`;
    assert.equal(sandbox.armClient.delete(vmId, "2024-11-01"), 202);
    sandbox.armClient.get(vmId, "2024-11-01");
    const offset = readLog(logFile).length;
    const run = await apply();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const writes = writesIn(readLog(logFile).slice(offset)).map((e) => `${e.method} ${e.path.split("?")[0].split("/").slice(-2).join("/")}`);
    assert.deepEqual(writes.sort(), ["PUT extensions/amlvnet-agent", "PUT networkInterfaces/vm-aml-private-2-nic", "PUT virtualMachines/vm-aml-private-2"]);
  });

  it("removes VMs beyond a lowered count and deregisters their agents", async () => {
    const smaller = writeConfig(config.replace(/[^/]+$/, ""), "agents-1.yaml", minimalConfig(sandbox, 1));
    const run = await amlvnet(["apply", "-f", smaller, "--poll-interval", "0.05", "--timeout", "0.5"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^deleted virtual machine vm-aml-private-2 \(beyond pool\.count 1\)$/m);
    assert.match(run.stdout, /^deleted agent vm-aml-private-2 \(deregistered from aml-private\)$/m);
    assert.equal(
      sandbox.arm.store.getResource(`/subscriptions/${sub()}/resourceGroups/rg-agents/providers/Microsoft.Network/networkInterfaces/vm-aml-private-2-nic`),
      undefined,
      "its NIC went with it",
    );
    const pool = sandbox.devops.findPoolByName("aml-private");
    assert.deepEqual(
      sandbox.devops.agentsInPool(pool?.id ?? 0).map((a) => a.name),
      ["vm-aml-private-1"],
    );
  });

  it("destroy then leaves the sandbox as it was", async () => {
    stopAgents();
    const run = await amlvnet(["destroy", "-f", config, "--yes"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(resourceSet(sandbox), initial);
  });
});
