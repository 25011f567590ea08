import assert from "node:assert/strict";
import { scaleSetVmBody } from "../../sandbox/arm/types/scale-set-vm";
import { asObject, propertiesOf } from "../../sandbox/arm/types/wire";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, minimalConfig, readLog, resourceSet, startProvisionerSandbox, writeConfig, writesIn } from "./harness";

const SERVICE_CONNECTION = "0f3c2a44-8c3a-4c7b-9a34-7d2f0e1b5a10";
const PROJECT = "5a0b8c7e-2f1d-4e3a-9b6c-1d2e3f4a5b6c";

/** What apply must have made the scale set's stored body (a type literal, so a stored body may be read as one). */
type ScaleSetExpectation = {
  sku: { capacity: number };
  properties: {
    orchestrationMode: string;
    overprovision: boolean;
    upgradePolicy: { mode: string };
    virtualMachineProfile: {
      networkProfile: { networkInterfaceConfigurations: Array<{ properties: { ipConfigurations: Array<{ properties: Record<string, unknown> }> } }> };
    };
  };
};

describe("amlvnet with pool.mode: scaleset (a Uniform scale set registered as an elastic pool)", () => {
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  let logFile: string;
  let config: string;
  let initial: string[];

  before(async () => {
    const started = await startProvisionerSandbox();
    ({ sandbox, env, logFile } = started);
    const base = minimalConfig(sandbox, 2);
    config = writeConfig(
      started.dir,
      "agents.json",
      { ...base, pool: { name: "aml-vmss", mode: "scaleset", count: 2, serviceEndpointId: SERVICE_CONNECTION, projectId: PROJECT } },
      "json",
    );
    initial = resourceSet(sandbox);
  });
  after(async () => {
    await sandbox.close();
  });

  it("apply creates the scale set as elastic pools need it and registers the pool through REST", async () => {
    const run = await amlvnet(["apply", "-f", config, "--poll-interval", "0.05", "--timeout", "0.5"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const vmss = sandbox.arm.store.getResource(
      `/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-agents/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-aml-vmss`,
    );
    // The body the sandbox stored, in the shape the test expects (a different shape fails the assertions).
    const body = vmss?.body as ScaleSetExpectation | undefined;
    assert.ok(body, "the scale set exists");
    const props = body.properties;
    assert.deepEqual([props.orchestrationMode, props.overprovision, props.upgradePolicy.mode, body.sku.capacity], ["Uniform", false, "Manual", 2]);
    const ipConfig = props.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[0].properties.ipConfigurations[0].properties;
    assert.equal(ipConfig.loadBalancerBackendAddressPools, undefined);
    assert.equal(ipConfig.publicIPAddressConfiguration, undefined);
    const pool = sandbox.devops.findPoolByName("aml-vmss");
    const elastic = sandbox.devops.elasticPools.get(pool?.id ?? 0);
    assert.deepEqual(
      [elastic?.azureId.toLowerCase(), elastic?.maxCapacity, elastic?.serviceEndpointId, elastic?.osType],
      [vmss?.id.toLowerCase(), 2, SERVICE_CONNECTION, "linux"],
    );
    assert.match(run.stdout, /agents online in aml-vmss: 2\/2/);
    assert.match(run.stdout, /^READY/m);
  });

  it("Azure DevOps (the sandbox) put its agent extension on the scale set and brought one agent per instance online", () => {
    const vmssId = `/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-agents/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-aml-vmss`;
    const extension = sandbox.arm.store.getResource(`${vmssId}/extensions/Microsoft.Azure.DevOps.Pipelines.Agent`);
    const props = propertiesOf(extension?.body);
    const settings = asObject(props.settings);
    assert.deepEqual(
      [props.publisher, props.type, settings.isPipelinesAgent, settings.agentFolder, props.protectedSettings],
      ["Microsoft.VisualStudio.Services", "TeamServicesAgentLinux", true, "/agent", undefined],
    );
    const instances = sandbox.arm.store
      .childrenOf(vmssId, "Microsoft.Compute/virtualMachineScaleSets/virtualMachines")
      .map((i) => scaleSetVmBody(i).properties.osProfile.computerName)
      .sort();
    const pool = sandbox.devops.findPoolByName("aml-vmss");
    const agents = sandbox.devops
      .agentsInPool(pool?.id ?? 0)
      .map((a) => [a.name, a.status])
      .sort();
    assert.deepEqual(
      agents,
      instances.map((name) => [name, "online"]),
    );
    assert.equal(sandbox.devops.elasticPools.get(pool?.id ?? 0)?.state, "online");
  });

  it("a second apply writes nothing", async () => {
    const offset = readLog(logFile).length;
    const run = await amlvnet(["apply", "-f", config, "--poll-interval", "0.05", "--timeout", "0.5"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(
      writesIn(readLog(logFile).slice(offset)).map((e) => `${e.method} ${e.path}`),
      [],
    );
  });

  it("destroy removes the scale set, its agents and the elastic pool", async () => {
    const run = await amlvnet(["destroy", "-f", config, "--yes"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(resourceSet(sandbox), initial);
    assert.equal(sandbox.devops.findPoolByName("aml-vmss"), undefined);
  });
});
