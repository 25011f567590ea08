import type { AgentInfo } from "../devops/devops-pools";

/** Where the agents of a pool stand while apply waits for them. */
export interface AgentTally {
  total: number;
  online: number;
  /** Registered in the pool but not online (the listener has not connected yet). */
  offline: number;
  /** Not in the pool yet (the VM or its agent script is still working). */
  unregistered: number;
  /** The machine furthest from online (not registered before offline, then by name), with what holds it. */
  slowest?: { name: string; why: string };
  /** What the tally says without the clock: a new value means something changed. */
  key: string;
}

/**
 * Counts the expected agents by state. `extensions` holds, for vms mode, each missing agent's extension state
 * (provisioningState and the last line of its output), which names what the slowest machine is doing.
 */
export function tallyAgents(
  expected: readonly string[],
  byName: ReadonlyMap<string, AgentInfo>,
  extensions: ReadonlyMap<string, { state?: string; message?: string }>,
): AgentTally {
  const stateOf = (name: string) => byName.get(name.toLowerCase());
  const unregistered = expected.filter((name) => !stateOf(name));
  const offline = expected.filter((name) => stateOf(name) && stateOf(name)?.status !== "online");
  const slowestName = [...unregistered].sort()[0] ?? [...offline].sort()[0];
  let slowest: AgentTally["slowest"];
  if (slowestName) {
    const extension = extensions.get(slowestName.toLowerCase());
    const registration = stateOf(slowestName) ? "registered, offline" : "not registered";
    const why = extension ? `${registration}; agent extension ${extension.state ?? "not created"}` : registration;
    slowest = { name: slowestName, why };
  }
  const online = expected.length - unregistered.length - offline.length;
  const key = [online, offline.length, unregistered.length, slowest?.name ?? "", slowest?.why ?? ""].join("|");
  return { total: expected.length, online, offline: offline.length, unregistered: unregistered.length, slowest, key };
}

/** m:ss */
function clock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** "agents online in pool: 1/3 (1 offline, 1 not registered; slowest vm-3: not registered; agent extension Creating) 0:45 of 15:00" */
export function tallyLine(poolName: string, tally: AgentTally, elapsedMs: number, timeoutMs: number): string {
  const parts: string[] = [];
  if (tally.offline) parts.push(`${tally.offline} registered offline`);
  if (tally.unregistered) parts.push(`${tally.unregistered} not registered`);
  const detail = parts.length ? ` (${parts.join(", ")}${tally.slowest ? `; slowest ${tally.slowest.name}: ${tally.slowest.why}` : ""})` : "";
  return `agents online in ${poolName}: ${tally.online}/${tally.total}${detail}, ${clock(elapsedMs)} of ${clock(timeoutMs)}`;
}
