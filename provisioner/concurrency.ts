import { setTimeout as sleepFor } from "node:timers/promises";
/**
 * Runs `worker` over `items` with at most `limit` in flight; resolves with every outcome (never rejects), so one
 * failed agent does not stop the others and the caller can report all failures together.
 */
export async function mapSettledLimited<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
  const results: Array<PromiseSettledResult<R>> = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: "fulfilled", value: await worker(items[index], index) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Throws one error naming every failure (first lines), or returns the values when all succeeded. */
export function valuesOrThrow<R>(results: Array<PromiseSettledResult<R>>, what: string): R[] {
  const failures = results
    .filter((r): r is PromiseRejectedResult => r.status === "rejected")
    .map((r) => (r.reason instanceof Error ? r.reason.message : String(r.reason)));
  if (failures.length === 1) throw results.find((r): r is PromiseRejectedResult => r.status === "rejected")?.reason;
  if (failures.length) throw new Error(`${failures.length} ${what} failed: ${failures.join("; ")}`);
  return results.map((r) => (r as PromiseFulfilledResult<R>).value);
}

/** Default number of agents (NIC + VM + extension) worked on at once; `--parallel` changes it. */
export const DEFAULT_AGENT_CONCURRENCY = 20;

/** Resolves after `ms`; rejects (AbortError) when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepFor(ms, undefined, { signal });
}
