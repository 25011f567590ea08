import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, resourceSet } from "./harness";
import { startRealAgentPool } from "./real-agent-pool";

describe("amlvnet apply with the sandbox running the agent extension (real config.sh and svc.sh from the agent package)", () => {
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  let config: string;
  let initial: string[];

  before(async () => {
    ({ sandbox, env, config, initial } = await startRealAgentPool(2));
  });
  after(() => sandbox.close());

  it("configures every agent unattended, sees them online and the network ready; the PAT is in no process's argv", async () => {
    const run = await amlvnet(["apply", "-f", config, "--poll-interval", "0.1", "--timeout", "1"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /agents online in aml-private: 2\/2/);
    assert.match(run.stdout, /^READY/m);
    const pat = sandbox.env.AZURE_DEVOPS_EXT_PAT;
    for (const i of [1, 2]) {
      const vmId = `/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-agents/providers/Microsoft.Compute/virtualMachines/vm-aml-private-${i}`;
      const commands = sandbox.vmAgent.commands(vmId);
      assert.ok(
        commands.some((c) => c.argv.some((a) => a.endsWith("config.sh"))),
        JSON.stringify(commands.map((c) => c.argv)),
      );
      for (const command of commands) assert.ok(!command.argv.join(" ").includes(pat), command.argv.join(" "));
    }
  });

  it("destroy deregisters the agents and returns the sandbox to where it was", async () => {
    const run = await amlvnet(["destroy", "-f", config, "--yes"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(resourceSet(sandbox), initial);
    assert.equal(sandbox.devops.findPoolByName("aml-private"), undefined);
  });
});
