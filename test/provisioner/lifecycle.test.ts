import assert from "node:assert/strict";
import type { StoredResource } from "../../sandbox/arm/store";
import { vmBody } from "../../sandbox/arm/types/virtual-machine";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, issueConfigText, readLog, resourceSet, simulateAgents, startProvisionerSandbox, writeConfig, writesIn } from "./harness";

/** A stored body read as the shape the test expects (a different shape fails the assertions that follow). */
function bodyAs<T>(resource: StoredResource | undefined): T {
  assert.ok(resource, "the resource exists");
  const body: unknown = resource.body;
  return body as T;
}

describe("amlvnet plan / apply / status / destroy (reference scenario, agents in a new VNet 10.30.0.0/16 in rg-agents)", () => {
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  let logFile: string;
  let config: string;
  let initial: string[];
  let stopAgents: (() => void) | undefined;
  const rg = () => `/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-agents`;
  const logLength = () => readLog(logFile).length;
  const writesSince = (offset: number) => writesIn(readLog(logFile).slice(offset));

  before(async () => {
    const started = await startProvisionerSandbox();
    ({ sandbox, env, logFile } = started);
    config = writeConfig(started.dir, "agents.yaml", issueConfigText(sandbox.env.AZURE_SUBSCRIPTION_ID, started.ids.workspaceId), "raw");
    initial = resourceSet(sandbox);
  });
  after(async () => {
    stopAgents?.();
    await sandbox.close();
  });

  it("plan prints what apply would create and changes nothing", async () => {
    const offset = logLength();
    const run = await amlvnet(["plan", "-f", config], env);
    assert.equal(run.code, 0, run.stderr);
    for (const line of [
      "+ create resource group rg-agents",
      "+ create virtual network vnet-agents (address space 10.30.0.0/16)",
      "+ create subnet vnet-agents/snet-agents",
      "+ create network security group nsg-snet-agents",
      "+ create peering vnet-agents/amlvnet-peer-vnet-aml",
      "+ create peering vnet-aml/amlvnet-peer-vnet-agents",
      "+ create private DNS zone link privatelink.api.azureml.ms/amlvnet-vnet-agents",
      "+ create agent pool aml-private",
      "+ create network interface vm-aml-private-3-nic",
      "+ create virtual machine vm-aml-private-3",
      "+ create agent extension vm-aml-private-3/amlvnet-agent",
    ]) {
      assert.ok(run.stdout.includes(line), `missing '${line}' in:\n${run.stdout}`);
    }
    assert.equal((run.stdout.match(/private DNS zone link/g) ?? []).length, 6);
    assert.match(run.stdout, /^Plan: 22 to create, 0 to update, 0 to delete, 0 unchanged\.$/m);
    assert.deepEqual(writesSince(offset), []);
    assert.deepEqual(resourceSet(sandbox), initial);
    assert.equal(sandbox.devops.findPoolByName("aml-private"), undefined);
  });

  it("apply creates the network, peering, links, NICs and VMs with the PAT only in protectedSettings, then names the agents that stay offline", async () => {
    // An agent package URL that serves nothing: the agents cannot come online (today the sandbox does not run the
    // extension, so they are never registered; once it does, the download fails and the extension says so).
    const run = await amlvnet(["apply", "-f", config, "--timeout", "0.005", "--poll-interval", "0.05"], {
      ...env,
      AMLVNET_AGENT_DOWNLOAD_URL: "https://127.0.0.1:9/missing/agent.tar.gz",
    });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      /3 of 3 agents not online in pool aml-private after 0s: vm-aml-private-1 \(not registered\), vm-aml-private-2 \(not registered\), vm-aml-private-3 \(not registered\); look at the VM's extension instance view \(az vm extension show -g rg-agents --vm-name vm-aml-private-1 -n amlvnet-agent --instance-view|the agent extension of vm-aml-private-\d failed.*az vm extension show -g rg-agents --vm-name vm-aml-private-\d -n amlvnet-agent --instance-view/,
    );

    const get = (id: string) => sandbox.arm.store.getResource(id);
    const vnet = bodyAs<{ tags: Record<string, string>; properties: { addressSpace: { addressPrefixes: string[] } } }>(
      get(`${rg()}/providers/Microsoft.Network/virtualNetworks/vnet-agents`),
    );
    assert.deepEqual(vnet.properties.addressSpace.addressPrefixes, ["10.30.0.0/16"]);
    assert.equal(vnet.tags["amlvnet-managed-by"], "amlvnet");
    const subnet = bodyAs<{ properties: { networkSecurityGroup: { id: string } } }>(
      get(`${rg()}/providers/Microsoft.Network/virtualNetworks/vnet-agents/subnets/snet-agents`),
    );
    assert.equal(
      subnet.properties.networkSecurityGroup.id.toLowerCase(),
      `${rg()}/providers/Microsoft.Network/networkSecurityGroups/nsg-snet-agents`.toLowerCase(),
    );
    const rules = sandbox.arm.store
      .childrenOf(`${rg()}/providers/Microsoft.Network/networkSecurityGroups/nsg-snet-agents`)
      .map((r) => bodyAs<{ name: string; properties: { access: string; direction: string } }>(r))
      .map((rule) => [rule.name, rule.properties.access, rule.properties.direction]);
    assert.deepEqual(
      rules.find(([name]) => name === "DenyInternetInbound"),
      ["DenyInternetInbound", "Deny", "Inbound"],
    );
    assert.ok(!rules.some(([, access, direction]) => access === "Allow" && direction === "Inbound"), "no inbound allow rule");

    const agentPeering = sandbox.armClient.get(
      `${rg()}/providers/Microsoft.Network/virtualNetworks/vnet-agents/virtualNetworkPeerings/amlvnet-peer-vnet-aml`,
      "2024-05-01",
    ) as { properties: { peeringState: string } };
    const amlPeering = sandbox.armClient.get(
      `/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-mlops-secure/providers/Microsoft.Network/virtualNetworks/vnet-aml/virtualNetworkPeerings/amlvnet-peer-vnet-agents`,
      "2024-05-01",
    ) as { properties: { peeringState: string } };
    assert.deepEqual([agentPeering.properties.peeringState, amlPeering.properties.peeringState], ["Connected", "Connected"]);

    const links = sandbox.arm.store
      .resources()
      .filter((r) => r.type === "Microsoft.Network/privateDnsZones/virtualNetworkLinks" && r.name === "amlvnet-vnet-agents");
    assert.equal(links.length, 6);

    const pat = sandbox.env.AZURE_DEVOPS_EXT_PAT;
    for (const i of [1, 2, 3]) {
      const vmResource = get(`${rg()}/providers/Microsoft.Compute/virtualMachines/vm-aml-private-${i}`);
      assert.ok(vmResource, `vm-aml-private-${i} exists`);
      const vm = vmBody(vmResource);
      assert.equal(vm.identity?.type, "SystemAssigned");
      assert.equal(vm.properties.osProfile.linuxConfiguration.disablePasswordAuthentication, true);
      assert.equal(vm.properties.storageProfile.osDisk.deleteOption, "Delete");
      assert.equal(vm.properties.networkProfile.networkInterfaces[0].properties.deleteOption, "Delete");
      const nic = bodyAs<{ properties: { ipConfigurations: Array<{ properties: { publicIPAddress?: unknown } }> } }>(
        get(`${rg()}/providers/Microsoft.Network/networkInterfaces/vm-aml-private-${i}-nic`),
      );
      assert.equal(nic.properties.ipConfigurations[0].properties.publicIPAddress, undefined);
      const extension = get(`${rg()}/providers/Microsoft.Compute/virtualMachines/vm-aml-private-${i}/extensions/amlvnet-agent`);
      const secrets = extension?.internal.secrets as { protectedSettings: { commandToExecute: string } };
      assert.match(secrets.protectedSettings.commandToExecute, new RegExp(`^exec bash -c .* 3<<'AMLVNET_PAT_END'\\n${pat}\\nAMLVNET_PAT_END\\n$`, "s"));
      const script = Buffer.from(/printf %s (\S+) \| base64 -d/.exec(secrets.protectedSettings.commandToExecute)?.[1] ?? "", "base64").toString();
      assert.match(script, /\.\/config\.sh --unattended --url "\$ORG_URL" --auth pat --pool "\$POOL" --agent "\$AGENT_NAME" --replace --acceptTeeEula/);
      assert.match(script, new RegExp(`AGENT_NAME='vm-aml-private-${i}'`));
      assert.ok(!script.includes(pat), "the script (which becomes argv) does not hold the PAT");
      assert.ok(!JSON.stringify(extension?.body).includes(pat), "settings, tags and names do not hold the PAT");
    }
    assert.ok(!(run.stdout + run.stderr).includes(pat));
    // On the wire the PAT travels only inside protectedSettings, which the request log keeps redacted.
    assert.ok(!readLog(logFile).some((e) => e.body?.includes(pat)), "the request log never holds the PAT");
    const extensionPuts = readLog(logFile).filter(
      (e) => e.method === "PUT" && /\/virtualMachines\/vm-aml-private-\d\/extensions\/amlvnet-agent\?/.test(e.path),
    );
    assert.equal(extensionPuts.length, 3);
    for (const entry of extensionPuts) assert.equal(JSON.parse(entry.body as string).properties.protectedSettings, "[redacted]");
    const pool = sandbox.devops.findPoolByName("aml-private");
    assert.ok(pool, "the pool was created");
  });

  it("with the agents online, apply completes and the readiness check from the agent VNet says ready", async () => {
    stopAgents = simulateAgents(sandbox, "aml-private");
    const run = await amlvnet(["apply", "-f", config, "--poll-interval", "0.05", "--output", "json"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.report.ready, true, JSON.stringify(result.report.findings));
    assert.match(run.stderr, /agents online in aml-private: 3\/3/);
    const pool = sandbox.devops.findPoolByName("aml-private");
    assert.deepEqual(
      sandbox.devops
        .agentsInPool(pool?.id ?? 0)
        .map((a) => [a.name, a.status])
        .sort(),
      [1, 2, 3].map((i) => [`vm-aml-private-${i}`, "online"]),
    );
  });

  it("a second apply with the same config writes nothing", async () => {
    const offset = logLength();
    const run = await amlvnet(["apply", "-f", config, "--poll-interval", "0.05"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(
      writesSince(offset).map((e) => `${e.method} ${e.path}`),
      [],
    );
    assert.match(run.stdout, /^Apply complete: 0 created, 0 updated, 0 deleted, 22 unchanged\.$/m);
    assert.match(run.stdout, /^READY: 0 errors/m);
  });

  it("status shows the pool, each agent's state and its VM", async () => {
    const run = await amlvnet(["status", "-f", config, "--output", "json"], env);
    assert.equal(run.code, 0, run.stderr);
    const status = JSON.parse(run.stdout);
    assert.equal(status.pool.name, "aml-private");
    assert.deepEqual(
      status.agents.map((a: { agent: string; status: string; vm: string; extensionState: string }) => [a.agent, a.status, a.vm, a.extensionState]),
      [1, 2, 3].map((i) => [`vm-aml-private-${i}`, "online", `vm-aml-private-${i}`, "Succeeded"]),
    );
    const text = await amlvnet(["status", "-f", config], env);
    assert.match(text.stdout, /^pool aml-private \(id \d+, vms\): 3 agents, 3 online/);
  });

  it("destroy needs --yes, then returns the sandbox to its resources before apply and removes the pool's agents", async () => {
    stopAgents?.();
    const refused = await amlvnet(["destroy", "-f", config], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /re-run with --yes/);
    const run = await amlvnet(["destroy", "-f", config, "--yes"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /Destroy complete/);
    assert.deepEqual(resourceSet(sandbox), initial);
    assert.equal(sandbox.devops.findPoolByName("aml-private"), undefined);
    const again = await amlvnet(["destroy", "-f", config, "--yes"], env);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /Destroy complete: 0 deleted/);
  });
});
