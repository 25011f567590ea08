import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RequestLogEntry } from "../../sandbox/http/request-log";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm, rgId, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

type LogLine = RequestLogEntry;

describe("sandbox: fault injection, latency and the request log", () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let logFile: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "amlvnet-faults-"));
    logFile = join(dir, "requests.jsonl");
    sandbox = await startTestSandbox({ faultRate: 0.25, seed: 7, latencyMs: 20, requestLog: logFile });
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lets the SDK's own retry policy ride out 429s, 500s and connection resets, and logs every request", async () => {
    const clients = sandboxClients(sandbox);
    // Fault-free set-up through the in-process client; the faults are for the SDK below.
    sandbox.armClient.put(rgId(sandbox, "rg-faults"), "2024-03-01", { location: "westeurope" });
    for (let i = 0; i < 8; i++) {
      const created = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait("rg-faults", `vnet-${i}`, {
        location: "westeurope",
        addressSpace: { addressPrefixes: [`10.${i}.0.0/16`] },
      });
      assert.equal(created.provisioningState, "Succeeded");
    }
    const names: string[] = [];
    for await (const v of clients.network.virtualNetworks.list("rg-faults")) names.push(v.name as string);
    assert.equal(names.length, 8);

    const lines: LogLine[] = readFileSync(logFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const faults = new Set(lines.map((l) => l.fault).filter(Boolean));
    assert.deepEqual([...faults].sort(), ["reset", "server-error", "throttle"], "the seed produces all three kinds of fault");
    for (const line of lines) {
      assert.ok(line.time && line.method && line.path && typeof line.status === "number");
      // Date.now() has 1 ms granularity: a 20 ms sleep can read as 19 ms.
      assert.ok(line.durationMs >= 19 || line.fault === "reset", "latency applies to every answered request");
    }
    assert.ok(
      lines.some((l) => l.status === 429),
      "throttled requests are logged with their status",
    );
    const tokenRequests = lines.filter((l) => l.path.includes("/oauth2/v2.0/token"));
    assert.ok(
      tokenRequests.length > 0 && tokenRequests.every((l) => l.body === undefined && !l.fault),
      "token requests carry secrets: never faulted, body never logged",
    );
    assert.ok(!readFileSync(logFile, "utf8").includes(sandbox.env.AZURE_CLIENT_SECRET), "the client secret is nowhere in the log");
    assert.ok(
      lines.some((l) => l.method === "PUT" && l.body?.includes("addressPrefixes")),
      "write bodies are logged",
    );
  });

  it("answers a 429 with Retry-After and the ARM throttling body", async () => {
    const clients = sandboxClients(sandbox);
    let seen: { status: number; headers: Headers; json: { error: { code: string } } } | undefined;
    for (let i = 0; i < 60 && !seen; i++) {
      try {
        const response = await rawArm(sandbox, clients.credential, "GET", `${rgId(sandbox, "rg-faults")}?api-version=2024-03-01`);
        if (response.status === 429) seen = response;
      } catch {
        // a connection reset: raw fetch has no retry policy
      }
    }
    assert.ok(seen, "a 429 within 60 requests at a 25% fault rate");
    assert.equal(seen.headers.get("retry-after"), "1");
    assert.equal(seen.json.error.code, "SubscriptionRequestsThrottled");
  });
});
