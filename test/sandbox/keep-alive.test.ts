import assert from "node:assert/strict";
import { Agent, request } from "node:https";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";

/** GET on the agent's socket; resolves with whether the socket was reused from an earlier request. */
function get(agent: Agent, url: string): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("sandbox keep-alive: an idle connection stays open as a real front end keeps it", () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(() => sandbox.close());

  it("a connection idle for 6 s (longer than the old 5 s limit) is reused, not reset", async function () {
    this.timeout(20_000);
    const agent = new Agent({ keepAlive: true, maxSockets: 1, keepAliveMsecs: 1000 });
    try {
      const url = `${sandbox.origin}/${sandbox.env.AZURE_TENANT_ID}/v2.0/.well-known/openid-configuration`;
      const first = await get(agent, url);
      assert.deepEqual(first, { status: 200, reused: false });
      await new Promise((r) => setTimeout(r, 6000));
      assert.deepEqual(await get(agent, url), { status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });
});
