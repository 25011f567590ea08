import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, minimalConfig, readLog, simulateAgents, startProvisionerSandbox, writeConfig, writesIn } from "./harness";

describe("amlvnet apply with projects: the pool is added to each project as an agent queue pipelines can name", () => {
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  let logFile: string;
  let config: string;
  let stopAgents: () => void;
  const queuesOf = (project: string) => {
    const id = sandbox.devops.findProject(project)?.id;
    return [...sandbox.devops.queues.values()]
      .filter((q) => q.projectId === id)
      .map((q) => ({ name: q.name, pool: sandbox.devops.findPool(q.poolId)?.name, authorized: q.authorizedForAllPipelines }));
  };

  before(async () => {
    const started = await startProvisionerSandbox();
    ({ sandbox, env, logFile } = started);
    sandbox.devops.addProject("ml-prod");
    config = writeConfig(started.dir, "agents.yaml", {
      ...minimalConfig(sandbox, 1),
      projects: ["sandbox-project", { name: "ml-prod", authorizePipelines: true }],
    });
    stopAgents = simulateAgents(sandbox, "aml-private");
  });
  after(async () => {
    stopAgents();
    await sandbox.close();
  });

  it("refuses a project the organization does not have, naming it, before changing anything", async () => {
    const offset = readLog(logFile).length;
    const run = await amlvnet(["apply", "-f", config, "--project", "sandbox-project", "--project", "no-such-project"], env);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /^amlvnet: projects: 'no-such-project' is not a project of https:\/\/127\.0\.0\.1:\d+\/sandbox-org \(TF200016\); check the name/m);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.deepEqual(
      writesIn(readLog(logFile).slice(offset)).map((e) => `${e.method} ${e.path}`),
      [],
    );
  });

  it("plan shows the queues it would add", async () => {
    const run = await amlvnet(["plan", "-f", config], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^\+ create project queue sandbox-project\/aml-private \(each pipeline asks once\)$/m);
    assert.match(run.stdout, /^\+ create project queue ml-prod\/aml-private \(all pipelines authorized\)$/m);
  });

  it("apply adds the pool to both projects with the configured authorization; a second apply writes nothing", async () => {
    const run = await amlvnet(["apply", "-f", config, "--timeout", "0.5", "--poll-interval", "0.05"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(queuesOf("sandbox-project"), [{ name: "aml-private", pool: "aml-private", authorized: false }]);
    assert.deepEqual(queuesOf("ml-prod"), [{ name: "aml-private", pool: "aml-private", authorized: true }]);
    const offset = readLog(logFile).length;
    const again = await amlvnet(["apply", "-f", config, "--timeout", "0.5", "--poll-interval", "0.05"], env);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /^unchanged project queue ml-prod\/aml-private$/m);
    assert.deepEqual(
      writesIn(readLog(logFile).slice(offset)).map((e) => `${e.method} ${e.path}`),
      [],
    );
  });

  it("a re-run grants all pipelines again where authorizePipelines is true, and never revokes a grant", async () => {
    const queueOf = (project: string) => [...sandbox.devops.queues.values()].find((q) => q.projectId === sandbox.devops.findProject(project)?.id);
    const prod = queueOf("ml-prod");
    const other = queueOf("sandbox-project");
    assert.ok(prod && other);
    prod.authorizedForAllPipelines = false;
    other.authorizedForAllPipelines = true;
    const run = await amlvnet(["apply", "-f", config, "--timeout", "0.5", "--poll-interval", "0.05"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^updated project queue ml-prod\/aml-private \(authorize all pipelines\)$/m);
    assert.deepEqual([queueOf("ml-prod")?.authorizedForAllPipelines, queueOf("sandbox-project")?.authorizedForAllPipelines], [true, true]);
    other.authorizedForAllPipelines = false;
  });

  it("--project replaces the list, keeping the file's settings for a project it names", async () => {
    const run = await amlvnet(["plan", "-f", config, "--project", "ml-prod"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^= no-op\s+project queue ml-prod\/aml-private/m);
    assert.doesNotMatch(run.stdout, /sandbox-project/);
  });

  it("destroy removes the queues it added", async () => {
    stopAgents();
    const run = await amlvnet(["destroy", "-f", config, "--yes"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout + run.stderr, /deleted project queue ml-prod\/aml-private/);
    assert.deepEqual([queuesOf("sandbox-project"), queuesOf("ml-prod")], [[], []]);
  });
});
