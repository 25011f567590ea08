import assert from "node:assert/strict";
import { fetchThroughPipeline } from "../../azure/proxied-fetch";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { ConnectProxy, PROXIED_FROM, startConnectProxy } from "../helpers/connect-proxy";
import { startTestSandbox } from "../helpers/sandbox-harness";

describe("azure/proxied-fetch: the CLI's plain HTTPS calls honour HTTPS_PROXY", () => {
  let sandbox: RunningSandbox;
  let proxy: ConnectProxy;
  const saved = process.env.HTTPS_PROXY;
  before(async () => {
    sandbox = await startTestSandbox({ scenario: "empty" });
    proxy = await startConnectProxy();
  });
  after(async () => {
    if (saved === undefined) delete process.env.HTTPS_PROXY;
    else process.env.HTTPS_PROXY = saved;
    await proxy.close();
    await sandbox.close();
  });

  it("goes through the proxy named by HTTPS_PROXY (Node's global fetch would not)", async () => {
    process.env.HTTPS_PROXY = proxy.url;
    const response = await fetchThroughPipeline(`${sandbox.origin}/metadata/endpoints?api-version=2015-01-01`);
    assert.equal(response.status, 200);
    assert.ok(JSON.parse(await response.text()).authentication);
    assert.deepEqual(proxy.targets, [new URL(sandbox.origin).host]);
    assert.deepEqual(sandbox.clientAddresses(), [PROXIED_FROM]);
  });
});
