import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, minimalConfig, startRealAgentSandbox, writeConfig } from "./harness";

describe("apply: a failing agent extension shows the tail of the script's stderr, not only 'exit status=1'", () => {
  let sandbox: RunningSandbox;
  after(() => sandbox?.close());

  it("names the extension, its exit status and the last stderr lines", async () => {
    const started = await startRealAgentSandbox();
    sandbox = started.sandbox;
    const config = writeConfig(started.dir, "agents.yaml", minimalConfig(sandbox, 1));
    // An agent package URL nothing serves: the agent script's download fails and says so on stderr.
    const run = await amlvnet(["apply", "-f", config, "--timeout", "0.5", "--poll-interval", "0.05"], {
      ...started.env,
      AMLVNET_AGENT_DOWNLOAD_URL: "https://127.0.0.1:9/missing/agent.tar.gz",
    });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /the agent extension of vm-aml-private-1 failed: .*exit status=\d+.* \(stderr: [^)]+\S/);
  });
});
