import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runReadinessCheck } from "../../readiness/engine";
import type { ReadinessReport } from "../../readiness/finding";
import type { RequestLogEntry } from "../../sandbox/http/request-log";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { referenceIds, sandboxClientsFor } from "./helpers";
import { chainLength, dependencyChain, isArm, pathOf, readRequestLog, resourcesChecked } from "./read-log";

/**
 * How the engine reads ARM, from the sandbox's request log: list calls rather than one GET per item, no request
 * twice, and a number of reads bounded by the resources it judges (the target: reads ≤ resources + 10).
 * A "resource checked" is any resource in the sandbox's store the verdict depends on: see resourcesChecked().
 */
describe("readiness engine: ARM reads on the reference scenario", () => {
  let sandbox: RunningSandbox | undefined;
  let logDir: string;
  beforeEach(() => {
    logDir = mkdtempSync(join(tmpdir(), "amlvnet-reads-"));
  });
  afterEach(async () => {
    await sandbox?.close();
    rmSync(logDir, { recursive: true, force: true });
  });

  const checkWithLog = async (pageSize?: number): Promise<{ report: ReadinessReport; log: RequestLogEntry[]; sandbox: RunningSandbox }> => {
    const file = join(logDir, "requests.jsonl");
    sandbox = await startTestSandbox({ scenario: "reference", requestLog: file, ...(pageSize ? { pageSize } : {}) });
    const ids = referenceIds(sandbox);
    const report = await runReadinessCheck(
      { workspaceId: ids.workspaceId, agentVnetId: ids.agentVnetId, cloud: "AzureCloud", failOn: "warning" },
      sandboxClientsFor(sandbox),
    );
    return { report, log: readRequestLog(file), sandbox };
  };

  it("lists instead of getting items one by one, requests nothing twice, and stays within resources + 10", async () => {
    const { report, log, sandbox: sb } = await checkWithLog();
    assert.equal(report.ready, true);
    const arm = log.filter(isArm);
    assert.deepEqual([...new Set(arm.map((e) => e.method))], ["GET"], "a check only reads");
    assert.ok(
      arm.every((e) => e.status === 200),
      JSON.stringify(arm.filter((e) => e.status !== 200)),
    );
    const paths = log.filter((e) => e.method === "GET").map(pathOf);
    const repeated = paths.filter((p, i) => paths.indexOf(p) !== i);
    assert.deepEqual(repeated, [], "GET paths requested more than once");

    const sub = `/subscriptions/${sb.env.AZURE_SUBSCRIPTION_ID}`.toLowerCase();
    for (const type of ["virtualnetworks", "networksecuritygroups", "routetables", "natgateways", "privateendpoints", "privatednszones"]) {
      assert.ok(paths.includes(`${sub}/providers/microsoft.network/${type}`), `no subscription-wide list of ${type}`);
    }
    assert.ok(
      paths.some((p) => p.endsWith("/workspaces/mlw-secure/computes")),
      "computes are listed",
    );
    // Items that lists return are never fetched one by one.
    const itemGets = paths.filter(
      (p) =>
        /\/(virtualnetworks|networksecuritygroups|privateendpoints|privatednszones|routetables|computes)\/[^/]+$/.test(p) ||
        /\/(subnets|virtualnetworkpeerings|securityrules|virtualnetworklinks)\/[^/]+$/.test(p),
    );
    assert.deepEqual(itemGets, []);

    const checked = resourcesChecked(sb.arm.store.resources());
    assert.ok(arm.length <= checked.length + 10, `${arm.length} ARM reads for ${checked.length} resources checked`);
  });

  it("follows nextLink pages once each, with the same verdict, when lists are paged by 2", async () => {
    const { report, log, sandbox: sb } = await checkWithLog(2);
    assert.deepEqual(report.findings, []);
    const gets = log.filter((e) => e.method === "GET");
    const full = gets.map((e) => e.path.toLowerCase());
    assert.equal(new Set(full).size, full.length, "a page was requested twice");
    const ids = referenceIds(sb);
    const chain = dependencyChain(log, [ids.names.subscriptionId]);
    // Six zones listed two at a time need three pages in a row: paging lengthens the chain, not the request count per page.
    assert.equal(chain.find((s) => s.name === "zone list")?.length, 3);
    assert.ok(chainLength(chain) >= 8, JSON.stringify(chain));
  });
});
