import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, offAzureEnv } from "../helpers/cli";
import { ConnectProxy, PROXIED_FROM, startConnectProxy } from "../helpers/connect-proxy";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { referenceIds } from "../readiness/helpers";

describe("amlvnet check behind HTTPS_PROXY", () => {
  let sandbox: RunningSandbox;
  let proxy: ConnectProxy;
  before(async () => {
    sandbox = await startTestSandbox({ scenario: "reference" });
    proxy = await startConnectProxy();
  });
  after(async () => {
    await proxy.close();
    await sandbox.close();
  });

  const check = (extra: Record<string, string>) => {
    const ids = referenceIds(sandbox);
    const env = offAzureEnv(sandbox, extra);
    return amlvnet(["check", "--workspace", ids.workspaceId, "--agent-vnet", ids.agentVnetId, "--format", "json"], env);
  };

  it("sends Entra and ARM calls through HTTPS_PROXY (loopback included: core-rest-pipeline bypasses only NO_PROXY hosts)", async () => {
    const run = await check({ HTTPS_PROXY: proxy.url });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(sandbox.clientAddresses(), [PROXIED_FROM]);
    assert.ok(proxy.targets.length > 0);
  });

  it("connects directly to hosts in NO_PROXY", async () => {
    const before = proxy.targets.length;
    const run = await check({ HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1" });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(proxy.targets.length, before);
    assert.ok(sandbox.clientAddresses().includes("127.0.0.1"));
  });
});
