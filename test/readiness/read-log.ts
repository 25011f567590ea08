/**
 * Reading the sandbox's request log to judge how the readiness engine reads ARM: which requests it made, how many
 * resources those reads covered, and the longest chain of reads that had to wait for each other. Shared by
 * reads.test.ts and the benchmark (bench/readiness.js).
 */
import { readFileSync } from "node:fs";
import type { RequestLogEntry } from "../../sandbox/http/request-log";
import type { StoredResource } from "../../sandbox/arm/store";
import { propertiesOf } from "../../sandbox/arm/types/wire";

export function readRequestLog(file: string): RequestLogEntry[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RequestLogEntry);
}

export function isArm(entry: RequestLogEntry): boolean {
  return entry.path.toLowerCase().startsWith("/subscriptions/");
}

/** The path without its query, lower-cased: what identifies a resource or a list. */
export function pathOf(entry: RequestLogEntry): string {
  return entry.path.split("?")[0].toLowerCase();
}

/**
 * Types in the store the engine has no reason to read, so they are not "resources checked": NICs other than private
 * endpoints' (an endpoint's NIC carries its names and IPs in privateLinkConnectionProperties, and is read) and the SOA
 * record of each zone (only A records decide resolution). Everything else (VNets, their subnets and peerings, NSGs and each security rule,
 * endpoints and zone groups, zones, their links and A records, the workspace, its computes, dependencies and the
 * private endpoint connections they list) is state a verdict depends on.
 */
const NOT_CHECKED = [/^Microsoft\.Network\/networkInterfaces$/i, /^Microsoft\.Network\/privateDnsZones\/SOA$/i];

export function resourcesChecked(resources: StoredResource[]): StoredResource[] {
  return resources.filter((r) => propertiesOf(r.body).privateEndpoint || !NOT_CHECKED.some((pattern) => pattern.test(r.type)));
}

/** One link of the dependency chain: requests that could only start once the previous stage answered. */
export interface ChainStage {
  name: string;
  /** Requests of this stage in the log. */
  requests: number;
  /** Sequential requests this stage needs at least: 1, or the pages of its longest paged list. */
  length: number;
}

type Stage = "discovery" | "token" | "workspace" | "first wave" | "second wave" | "zone groups" | "zone list" | "zone contents";

/**
 * Places each request the engine made in the stage of readTopology's data flow it belongs to: Entra discovery →
 * token → workspace → (dependencies, computes, lists of the workspace's and agent VNet's subscriptions) → lists of
 * subscriptions found through compute subnets and peerings → zone groups of the endpoints → zones of the
 * subscriptions involved → links and A records of each zone.
 */
function stageOf(entry: RequestLogEntry, firstWaveSubscriptions: Set<string>): Stage | undefined {
  const path = pathOf(entry);
  if (path.endsWith("/openid-configuration")) return "discovery";
  if (path.includes("/oauth2/")) return "token";
  if (!isArm(entry)) return undefined;
  const subscription = path.split("/")[2];
  if (/\/workspaces\/[^/]+$/.test(path)) return "workspace";
  if (/\/privatednszonegroups$/.test(path) || /\/networkinterfaces\/[^/]+$/.test(path)) return "zone groups";
  if (/^\/subscriptions\/[^/]+\/providers\/microsoft\.network\/privatednszones$/.test(path)) return "zone list";
  if (/\/privatednszones\/[^/]+\/(virtualnetworklinks|a)$/.test(path)) return "zone contents";
  if (/^\/subscriptions\/[^/]+\/providers\/microsoft\.network\/[^/]+$/.test(path))
    return firstWaveSubscriptions.has(subscription) ? "first wave" : "second wave";
  return "first wave"; // dependencies and computes
}

const ORDER: Stage[] = ["discovery", "token", "workspace", "first wave", "second wave", "zone groups", "zone list", "zone contents"];

/** The longest sequence of requests that depended on each other, stage by stage, for the requests in `entries`. */
export function dependencyChain(entries: RequestLogEntry[], firstWaveSubscriptions: string[]): ChainStage[] {
  const first = new Set(firstWaveSubscriptions.map((s) => s.toLowerCase()));
  const byStage = new Map<Stage, Map<string, number>>();
  for (const entry of entries) {
    const stage = stageOf(entry, first);
    if (!stage) continue;
    const pages = byStage.get(stage) ?? new Map<string, number>();
    pages.set(pathOf(entry), (pages.get(pathOf(entry)) ?? 0) + 1);
    byStage.set(stage, pages);
  }
  return ORDER.filter((s) => byStage.has(s)).map((name) => {
    const pages = byStage.get(name) as Map<string, number>;
    return { name, requests: [...pages.values()].reduce((a, b) => a + b, 0), length: Math.max(...pages.values()) };
  });
}

export function chainLength(chain: ChainStage[]): number {
  return chain.reduce((sum, stage) => sum + stage.length, 0);
}
