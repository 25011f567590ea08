import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, minimalConfig, readLog, resourceSet, simulateAgents, startProvisionerSandbox, writeConfig, writesIn } from "./harness";

describe("amlvnet with an existing agent VNet ({ id }): adds a subnet, keeps what others created", () => {
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  let logFile: string;
  let config: string;
  let initial: string[];
  let stopAgents: () => void;

  before(async () => {
    const started = await startProvisionerSandbox();
    ({ sandbox, env, logFile } = started);
    const base = minimalConfig(sandbox, 2);
    // vnet-bastion is already peered with vnet-aml and linked to every zone, by hand (the reference scenario).
    config = writeConfig(started.dir, "agents.yaml", {
      ...base,
      network: { vnet: { id: started.ids.agentVnetId }, subnet: { name: "snet-amlvnet", prefix: "10.20.2.0/24" } },
    });
    initial = resourceSet(sandbox);
    stopAgents = simulateAgents(sandbox, "aml-private");
  });
  after(async () => {
    stopAgents();
    await sandbox.close();
  });

  it("apply adds the subnet and agents, and uses the existing peerings and zone links as they are", async () => {
    const offset = readLog(logFile).length;
    const run = await amlvnet(["apply", "-f", config, "--poll-interval", "0.05", "--timeout", "0.5"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^unchanged virtual network vnet-bastion \(existing VNet, not changed by amlvnet\)$/m);
    assert.match(run.stdout, /^created subnet vnet-bastion\/snet-amlvnet \(10\.20\.2\.0\/24, NSG nsg-snet-amlvnet\)$/m);
    assert.match(run.stdout, /^unchanged peering vnet-bastion\/vp_basvnet_amlvnet \(created outside amlvnet: kept\)$/m);
    assert.equal((run.stdout.match(/^unchanged private DNS zone link .*\/link-vnet-bastion \(created outside amlvnet: kept\)$/gm) ?? []).length, 6);
    assert.match(run.stdout, /^READY/m);
    const writes = writesIn(readLog(logFile).slice(offset)).map((e) => e.path.split("?")[0]);
    assert.ok(!writes.some((p) => /virtualNetworkPeerings|privateDnsZones|virtualNetworks\/vnet-bastion$/i.test(p)), writes.join("\n"));
  });

  it("destroy removes the subnet, NSG, VMs and pool, and never the VNet, its peerings or the zone links", async () => {
    stopAgents();
    const run = await amlvnet(["destroy", "-f", config, "--yes"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^deleted subnet vnet-bastion\/snet-amlvnet$/m);
    assert.doesNotMatch(run.stdout, /deleted (virtual network|peering|private DNS zone link)/);
    assert.deepEqual(resourceSet(sandbox), initial);
  });
});
