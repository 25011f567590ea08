import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { readLog } from "../provisioner/harness";
import { sandboxClientsFor } from "../readiness/helpers";

describe("ARM clients wait for Retry-After before polling a long-running operation", function () {
  this.timeout(30_000);
  let sandbox: RunningSandbox;
  let logFile: string;
  before(async () => {
    logFile = join(mkdtempSync(join(tmpdir(), "amlvnet-retry-after-")), "requests.jsonl");
    sandbox = await startTestSandbox({ scenario: "reference", lroMs: 1500, requestLog: logFile });
  });
  after(() => sandbox.close());

  it("polls a create and a delete operation no sooner than the Retry-After of the answer before", async () => {
    const clients = sandboxClientsFor(sandbox)(sandbox.env.AZURE_SUBSCRIPTION_ID);
    await clients.resources.resourceGroups.createOrUpdate("rg-retry", { location: "westeurope" });
    await clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait("rg-retry", "nsg-retry", { location: "westeurope" });
    await clients.network.networkSecurityGroups.beginDeleteAndWait("rg-retry", "nsg-retry");

    const entries = readLog(logFile) as (ReturnType<typeof readLog>[number] & { time: string; durationMs: number; operation?: string; retryAfter?: number })[];
    const started = entries.filter((e) => e.operation && e.retryAfter);
    assert.ok(started.length >= 2, JSON.stringify(entries.map((e) => `${e.method} ${e.path} ${e.status}`)));
    for (const write of started) {
      const polls = entries.filter((e) => e.method === "GET" && e.path.split("?")[0] === write.operation);
      assert.ok(polls.length >= 1, `no poll of ${write.operation}`);
      const answered = Date.parse(write.time) + write.durationMs;
      const waited = Date.parse(polls[0].time) - answered;
      assert.ok(
        waited >= (write.retryAfter as number) * 1000 - 50,
        `first poll of ${write.method} ${write.path} came ${waited} ms after a Retry-After of ${write.retryAfter} s`,
      );
    }
  });
});
