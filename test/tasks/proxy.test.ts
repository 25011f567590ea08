import assert from "node:assert/strict";
import { REFERENCE_AML } from "../../sandbox/aml/reference-pipelines";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { ConnectProxy, PROXIED_FROM, startConnectProxy } from "../helpers/connect-proxy";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { referenceIds } from "../readiness/helpers";
import { agentEnvironment, bundledTaskEntry, CONNECTION_ID, runTask, taskResult } from "./task-runner";

describe("AmlNetworkGate@1 behind the agent's proxy (Agent.ProxyUrl)", () => {
  let sandbox: RunningSandbox;
  let proxy: ConnectProxy;
  let entry: string;
  const credentials = { username: "agent-proxy-user", password: "proxy-pass-9f3c1e" };
  before(async () => {
    entry = await bundledTaskEntry();
    sandbox = await startTestSandbox({ scenario: "reference", lroMs: 300 });
    sandbox.oidc.registerServiceConnection({ id: CONNECTION_ID, name: "ml-prod-connection", project: "project-1", app: sandbox.directory.defaultApp });
    proxy = await startConnectProxy(credentials);
  });
  after(async () => {
    await proxy.close();
    await sandbox.close();
  });

  const env = (agentProxy: Record<string, string>) => {
    const ids = referenceIds(sandbox);
    const inputs = {
      workspace: ids.workspaceId,
      agentVnet: ids.agentVnetId,
      probe: "false",
      pipelineAction: "publishedPipeline",
      pipelineId: REFERENCE_AML.publishedPipelineId,
      experimentName: "behind-proxy",
    };
    return agentEnvironment(sandbox, inputs, { scheme: "WorkloadIdentityFederation", clientId: sandbox.env.AZURE_CLIENT_ID }, agentProxy);
  };

  it("sends every call (Entra, ARM, the Azure DevOps OIDC request, the AML data plane) through the proxy, with its credentials", async () => {
    // The agent hands the proxy password over as a secret variable (and masks it in every line it logs).
    const secretPassword = { SECRET_AGENT_PROXYPASSWORD: credentials.password, VSTS_SECRET_VARIABLES: JSON.stringify(["Agent.ProxyPassword"]) };
    const run = await runTask(env({ AGENT_PROXYURL: proxy.url, AGENT_PROXYUSERNAME: credentials.username, ...secretPassword }), entry);
    assert.equal(taskResult(run.stdout), "Succeeded", run.stdout + run.stderr);
    assert.ok(
      sandbox.aml.runs().some((r) => r.experimentName === "behind-proxy"),
      "the AML run was submitted",
    );
    assert.deepEqual(sandbox.clientAddresses(), [PROXIED_FROM], "every connection to the sandbox came from the proxy");
    assert.ok(proxy.targets.length > 0 && proxy.targets.every((t) => t === new URL(sandbox.origin).host), proxy.targets.join(", "));
    // task-lib's getVariable debug line carries every variable's value (the agent masks secret ones): nothing else may.
    const visible = (run.stdout + run.stderr)
      .split("\n")
      .filter((l) => !l.startsWith("##vso[task.setsecret]") && !l.startsWith("##vso[task.debug]Agent.ProxyPassword="));
    assert.ok(!visible.some((l) => l.includes(credentials.password)), visible.filter((l) => l.includes(credentials.password)).join("\n"));
  });

  it("fails (the proxy refuses) when the proxy credentials are wrong: nothing goes around the proxy", async () => {
    const before = proxy.targets.length;
    const run = await runTask(env({ AGENT_PROXYURL: proxy.url, AGENT_PROXYUSERNAME: credentials.username, AGENT_PROXYPASSWORD: "wrong" }), entry);
    assert.equal(taskResult(run.stdout), "Failed");
    assert.ok(proxy.targets.length > before);
    assert.deepEqual(sandbox.clientAddresses(), [PROXIED_FROM]);
  });

  it("connects directly to hosts in Agent.ProxyBypassList", async () => {
    const before = proxy.targets.length;
    const run = await runTask(env({ AGENT_PROXYURL: proxy.url, AGENT_PROXYBYPASSLIST: JSON.stringify(["127\\.0\\.0\\.1"]) }), entry);
    assert.equal(taskResult(run.stdout), "Succeeded", run.stdout);
    assert.equal(proxy.targets.length, before, "no tunnel was asked for");
    assert.ok(sandbox.clientAddresses().includes("127.0.0.1"));
  });
});
