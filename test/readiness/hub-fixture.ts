import assert from "node:assert/strict";
import { runReadinessCheck } from "../../readiness/engine";
import type { Finding, ReadinessReport } from "../../readiness/finding";
import { buildHubSpoke, type HubSpokeIds } from "../../sandbox/scenarios/hub-spoke";
import { amlNetworkRules } from "../../sandbox/scenarios/landing-zone-hub";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { sandboxClientsFor } from "./helpers";

export const NET = "2024-05-01";
export const RESOLVER = "2022-07-01";
export const SOURCES = ["10.10.0.0/16", "10.20.0.0/16"];
export type Rule = Record<string, unknown>;

/**
 * A fresh landing zone (sandbox/scenarios/hub-spoke.ts) for every test (mocha hooks of the calling describe), and the
 * means to plant faults on it with raw ARM PUTs and judge the result.
 */
export function landingZoneFaults() {
  const lz = { sandbox: undefined as unknown as RunningSandbox, ids: undefined as unknown as HubSpokeIds };
  const check = (): Promise<ReadinessReport> =>
    runReadinessCheck(
      { workspaceId: lz.ids.workspaceId, agentVnetId: lz.ids.agentVnetId, cloud: "AzureCloud", failOn: "error" },
      sandboxClientsFor(lz.sandbox),
    );
  const put = (id: string, version: string, body: unknown) => lz.sandbox.armClient.put(id, version, body);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const get = (id: string, version: string) => lz.sandbox.armClient.get(id, version) as { properties: Record<string, any> } & Record<string, any>;
  const errors = (report: ReadinessReport): Finding[] => report.findings.filter((finding) => finding.severity === "error");
  /** A firewall policy filter rule collection. */
  const filter = (name: string, priority: number, action: "Allow" | "Deny", rules: Rule[]) => ({
    ruleCollectionType: "FirewallPolicyFilterRuleCollection",
    name,
    priority,
    action: { type: action },
    rules,
  });
  /** PUTs a rule collection group with these collections (by default rcg-aml of the hub's policy). */
  const setGroup = (collections: unknown[], policyId = lz.ids.hub.firewallPolicyId, name = "rcg-aml", priority = 200) =>
    put(`${policyId}/ruleCollectionGroups/${name}`, NET, { properties: { priority, ruleCollections: collections } });
  /** The network rules AML compute needs from both spokes, but those named in `without`. */
  const amlRules = (without: string[] = []): Rule[] => amlNetworkRules(SOURCES, "westeurope").filter((rule) => !without.includes(String(rule.name)));
  const assertNoErrors = async () =>
    assert.deepEqual(
      errors(await check()).map((finding) => finding.id),
      [],
    );
  /** The ID of the finding on the firewall flow `key` from the training subnet. */
  const flowId = (key: string) => `route.firewall-flow:afw-hub:snet-training:${key}`;
  beforeEach(async () => {
    lz.sandbox = await startTestSandbox();
    lz.ids = buildHubSpoke(lz.sandbox.armClient, lz.sandbox.directory);
  });
  afterEach(() => lz.sandbox.close());
  return Object.assign(lz, { check, put, get, errors, filter, setGroup, amlRules, assertNoErrors, flowId });
}
