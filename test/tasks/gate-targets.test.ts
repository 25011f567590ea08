import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { type ReferenceIds, startReferenceSandbox } from "../readiness/helpers";
import { agentEnvironment, bundledTaskEntry, ConnectionScheme, referenceInputs, runTask as runEntry, secretConnectionOf, taskResult } from "./task-runner";

describe("AmlNetworkGate@1: the targets input judges only what the stage uses", () => {
  let sandbox: RunningSandbox;
  let ids: ReferenceIds;
  let connection: ConnectionScheme;
  let entry: string;
  const runTask = (env: Record<string, string>) => runEntry(env, entry);
  before(async () => {
    entry = await bundledTaskEntry();
    ({ sandbox, ids } = await startReferenceSandbox());
    connection = secretConnectionOf(sandbox);
    // An inference fault: the AKS compute's internal load balancer points at a subnet that does not exist.
    const computeId = `${ids.workspaceId}/computes/${ids.names.inferenceCompute}`;
    const compute = sandbox.armClient.get(computeId, "2024-10-01") as {
      location: string;
      properties: { resourceId: string; properties: Record<string, unknown> };
    };
    sandbox.armClient.put(computeId, "2024-10-01", {
      location: compute.location,
      properties: {
        computeType: "AKS",
        resourceId: compute.properties.resourceId,
        properties: { ...compute.properties.properties, loadBalancerSubnet: "snet-missing" },
      },
    });
  });
  after(() => sandbox.close());

  const inputs = (targets: string) => referenceInputs(sandbox, { pipelineAction: "none", targets });

  it("a Deploy stage with targets: aks-inference fails on the AKS fault; a training stage (cpu-cluster) passes", async () => {
    const deploy = await runTask(agentEnvironment(sandbox, inputs("aks-inference"), connection));
    assert.equal(taskResult(deploy.stdout), "Failed", deploy.stdout);
    assert.match(
      deploy.stdout,
      /##vso\[task\.(log)?issue type=error[^\]]*\]\[inference\] Compute aks-inference uses an internal load balancer in subnet 'snet-missing'/,
    );
    const train = await runTask(agentEnvironment(sandbox, inputs("cpu-cluster"), connection));
    assert.equal(taskResult(train.stdout), "Succeeded", train.stdout);
  });

  it("a target the workspace lacks fails the task with the list of its computes and endpoints", async () => {
    const run = await runTask(agentEnvironment(sandbox, inputs("aks-inference\naks-typo"), connection));
    assert.equal(taskResult(run.stdout), "Failed");
    assert.match(run.stdout, /target 'aks-typo' names no compute or online endpoint of workspace mlw-secure; it has computes: .*aks-inference \(AKS\)/);
  });
});
