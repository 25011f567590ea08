import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { loadConfig } from "../../provisioner/config/load-config";
import { createContext } from "../../provisioner/context";
import { DevOpsService } from "../../provisioner/devops/devops-service";
import { AgentsOfflineError } from "../../provisioner/errors";
import { agentsOnlineStep } from "../../provisioner/steps/agents-online";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { sandboxClients } from "../helpers/clients";
import { amlvnet, minimalConfig, simulateAgents, startProvisionerSandbox, writeConfig } from "./harness";

/** Starts the CLI, sends SIGINT once `ready` matches its stdout, and resolves with how it ended. */
async function interruptWhen(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["build/cli/main.js", ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let sent = false;
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    if (!sent && ready.test(stdout)) {
      sent = true;
      child.kill("SIGINT");
    }
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
  return { code, signal, stdout, stderr };
}

describe("apply while the agents come online: a tally as it changes and every interval, and Ctrl-C that says where it stopped", () => {
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  let config: string;

  before(async () => {
    const started = await startProvisionerSandbox();
    ({ sandbox, env } = started);
    config = writeConfig(started.dir, "agents.yaml", minimalConfig(sandbox, 2));
  });
  after(async () => {
    await sandbox.close();
  });

  it("prints the tally: counts, the slowest VM and what holds it, elapsed of the timeout", async () => {
    const run = await amlvnet(["apply", "-f", config, "--timeout", "0.05", "--poll-interval", "0.05"], env);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /^agents online in aml-private: 0\/2 \(2 not registered; slowest vm-aml-private-1: not registered; agent extension Succeeded\), 0:0\d of 0:03$/m,
    );
  });

  it("repeats the tally at the interval when nothing changes, and at once when an agent registers", async () => {
    const loaded = loadConfig(config, { pat: env.AZURE_DEVOPS_EXT_PAT, organizationUrl: env.AZURE_DEVOPS_ORG_URL }, { needsDevOps: true });
    const lines: string[] = [];
    const ctx = createContext({
      config: loaded,
      mode: "apply",
      clientsFor: () => sandboxClients(sandbox),
      devops: new DevOpsService(loaded.devops.organizationUrl, env.AZURE_DEVOPS_EXT_PAT),
      pat: env.AZURE_DEVOPS_EXT_PAT,
      progress: (line) => lines.push(line),
      options: { pollIntervalMs: 20, onlineTimeoutMs: 1200, progressIntervalMs: 200 },
    });
    ctx.agents = ["vm-aml-private-1", "vm-aml-private-2"].map((name) => ({ agentName: name, vmName: name, vmId: ctx.ids.vmId(name) }));
    const pool = sandbox.devops.findPoolByName("aml-private");
    assert.ok(pool);
    const register = setTimeout(() => sandbox.devops.addAgent(pool.id, { name: "vm-aml-private-1", version: "4.258.1" }), 500);
    await assert.rejects(agentsOnlineStep.apply(ctx), AgentsOfflineError);
    clearTimeout(register);
    const before = lines.filter((l) => l.includes("(2 not registered"));
    const after = lines.filter((l) => l.includes("(1 registered offline, 1 not registered; slowest vm-aml-private-2: not registered"));
    assert.ok(before.length >= 2, `expected the unchanged tally repeated at the interval:\n${lines.join("\n")}`);
    assert.ok(after.length >= 2, `expected a line at the change, then repeats:\n${lines.join("\n")}`);
    assert.ok(lines.length <= 12, `not one line per poll:\n${lines.join("\n")}`);
    sandbox.devops.deleteAgent(pool.id, sandbox.devops.findAgentByName(pool.id, "vm-aml-private-1")?.id ?? 0);
  });

  it("Ctrl-C during apply exits 130, lists what was done and says a re-run resumes; the re-run finishes", async () => {
    const run = await interruptWhen(["apply", "-f", config, "--timeout", "5", "--poll-interval", "0.05"], env, /agents online in aml-private/);
    assert.equal(run.code, 130, `code ${run.code} signal ${run.signal}\n${run.stdout}${run.stderr}`);
    assert.match(run.stderr, /^amlvnet apply: interrupted \(Ctrl-C\) after \d+s\.$/m);
    assert.match(run.stderr, /\(\d+ already as desired\)/);
    assert.match(run.stderr, new RegExp(`Run 'amlvnet apply -f ${config.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}' again to resume`));
    const stop = simulateAgents(sandbox, "aml-private");
    try {
      const again = await amlvnet(["apply", "-f", config, "--timeout", "0.5", "--poll-interval", "0.05"], env);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.match(again.stdout, /agents online in aml-private: 2\/2, /);
    } finally {
      stop();
    }
  });

  it("Ctrl-C during a fresh apply lists the resources it created", async () => {
    const other = writeConfig(config.replace(/[^/]+$/, ""), "fresh.yaml", {
      ...minimalConfig(sandbox, 1),
      resourceGroup: "rg-fresh",
      network: { vnet: { name: "vnet-fresh", addressSpace: "10.31.0.0/16" }, subnet: { name: "snet", prefix: "10.31.1.0/24" } },
      pool: { name: "fresh", count: 1 },
    });
    const run = await interruptWhen(["apply", "-f", other, "--timeout", "5", "--poll-interval", "0.05"], env, /agents online in fresh/);
    assert.equal(run.code, 130, run.stdout + run.stderr);
    for (const line of ["  created resource group rg-fresh", "  created virtual network vnet-fresh", "  created virtual machine vm-fresh-1"])
      assert.ok(run.stderr.includes(line), `missing '${line}' in:\n${run.stderr}`);
  });
});
