import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, resourceSet, Run } from "./harness";
import { startRealAgentPool } from "./real-agent-pool";
import { SeededRandom } from "../../sandbox/http/random";
import { agentsInPool, orphans, taggedResources } from "./end-state";

const APPLY = ["--poll-interval", "0.05", "--timeout", "2"];

/** Starts `amlvnet <args>` and SIGKILLs it after `afterMs` (or lets it end first); resolves once it is gone. */
async function killedAfter(args: string[], env: Record<string, string>, afterMs: number): Promise<{ killed: boolean }> {
  const child = spawn(process.execPath, ["build/cli/main.js", ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: "ignore" });
  const timer = setTimeout(() => child.kill("SIGKILL"), afterMs);
  const [, signal] = (await once(child, "exit")) as [number | null, string | null];
  clearTimeout(timer);
  return { killed: signal === "SIGKILL" };
}

function explain(run: Run): string {
  return `exit ${run.code}\n${run.stdout}\n${run.stderr}`;
}

describe("amlvnet apply converges (agents really configured by the sandbox's extension runner)", function () {
  this.timeout(300_000);

  describe("killed with SIGKILL at random points, 20 times", () => {
    let sandbox: RunningSandbox;
    let env: Record<string, string>;
    let config: string;
    let initial: string[];
    let converged: string[];
    let cleanApplyMs = 0;

    before(async () => {
      ({ sandbox, env, config, initial } = await startRealAgentPool(2));
      const begun = Date.now();
      const run = await amlvnet(["apply", "-f", config, ...APPLY], env);
      cleanApplyMs = Date.now() - begun;
      assert.equal(run.code, 0, explain(run));
      converged = resourceSet(sandbox);
      const destroyed = await amlvnet(["destroy", "-f", config, "--yes"], env);
      assert.equal(destroyed.code, 0, explain(destroyed));
    });
    after(() => sandbox.close());

    it("every re-run of apply reaches the same end state, and every re-run of destroy leaves nothing tagged", async () => {
      const random = new SeededRandom(20261123);
      let killedApplies = 0;
      let killedDestroys = 0;
      for (let round = 1; round <= 20; round++) {
        const applyKillAt = Math.floor(random.next() * cleanApplyMs);
        if ((await killedAfter(["apply", "-f", config, ...APPLY], env, applyKillAt)).killed) killedApplies++;
        const apply = await amlvnet(["apply", "-f", config, ...APPLY], env);
        const where = `round ${round}, apply killed after ${applyKillAt} ms`;
        assert.equal(apply.code, 0, `${where}: ${explain(apply)}`);
        assert.deepEqual(resourceSet(sandbox), converged, where);
        assert.deepEqual(orphans(sandbox), [], where);
        assert.deepEqual(agentsInPool(sandbox, "aml-private"), ["vm-aml-private-1 online", "vm-aml-private-2 online"], where);

        const destroyKillAt = Math.floor(random.next() * 1500);
        if ((await killedAfter(["destroy", "-f", config, "--yes"], env, destroyKillAt)).killed) killedDestroys++;
        const destroy = await amlvnet(["destroy", "-f", config, "--yes"], env);
        const destroyWhere = `round ${round}, destroy killed after ${destroyKillAt} ms`;
        assert.equal(destroy.code, 0, `${destroyWhere}: ${explain(destroy)}`);
        assert.deepEqual(taggedResources(sandbox), [], destroyWhere);
        assert.deepEqual(resourceSet(sandbox), initial, destroyWhere);
        assert.equal(sandbox.devops.findPoolByName("aml-private"), undefined, destroyWhere);
      }
      // Most kills must land mid-run, or the test proves little.
      assert.ok(killedApplies >= 15, `only ${killedApplies} of 20 applies were killed before they ended`);
      assert.ok(killedDestroys >= 10, `only ${killedDestroys} of 20 destroys were killed before they ended`);
    });
  });

  describe("with --fault-rate 0.1 (throttling, 500s and connection resets on ARM and Azure DevOps)", () => {
    let sandbox: RunningSandbox;
    let env: Record<string, string>;
    let config: string;
    let initial: string[];

    before(async () => {
      ({ sandbox, env, config, initial } = await startRealAgentPool(3, { faultRate: 0.1, seed: 7 }));
    });
    after(() => sandbox.close());

    it("apply ends with 3 agents online, no duplicate agent and no orphaned NIC, disk or VM", async () => {
      const runs: Run[] = [];
      // The SDK retry policies ride out most faults; apply run again must finish what one run could not.
      for (let attempt = 0; attempt < 3 && runs.at(-1)?.code !== 0; attempt++) runs.push(await amlvnet(["apply", "-f", config, ...APPLY], env));
      assert.equal(runs.at(-1)?.code, 0, runs.map(explain).join("\n---\n"));
      assert.deepEqual(agentsInPool(sandbox, "aml-private"), ["vm-aml-private-1 online", "vm-aml-private-2 online", "vm-aml-private-3 online"]);
      assert.deepEqual(orphans(sandbox), []);
      const types = sandbox.arm.store.resources().filter((r) => r.id.toLowerCase().includes("/resourcegroups/rg-agents/"));
      for (const type of ["Microsoft.Compute/virtualMachines", "Microsoft.Network/networkInterfaces", "Microsoft.Compute/disks"]) {
        assert.equal(types.filter((r) => r.type === type).length, 3, type);
      }
    });

    it("destroy leaves nothing tagged and the sandbox as it was", async () => {
      const runs: Run[] = [];
      for (let attempt = 0; attempt < 3 && runs.at(-1)?.code !== 0; attempt++) runs.push(await amlvnet(["destroy", "-f", config, "--yes"], env));
      assert.equal(runs.at(-1)?.code, 0, runs.map(explain).join("\n---\n"));
      assert.deepEqual(taggedResources(sandbox), []);
      assert.deepEqual(resourceSet(sandbox), initial);
      assert.equal(sandbox.devops.findPoolByName("aml-private"), undefined);
    });
  });
});
