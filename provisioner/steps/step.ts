import type { Change } from "../changes";
import { writes, type ProvisionContext } from "../context";
import { explainWriteError, ProvisionerInputError, statusOf, StepError } from "../errors";

/**
 * One resource step. `apply` answers "already as desired?" before writing anything and records one change per
 * resource; in plan mode it records the same changes without writing. `destroy` removes only what amlvnet created
 * (tags, names) and records deletions; the runner collects its failures and goes on with the next step.
 */
export interface Step {
  readonly name: string;
  apply(ctx: ProvisionContext): Promise<void>;
  destroy?(ctx: ProvisionContext): Promise<void>;
}

/**
 * Records a change and, when the run writes and there is something to do, performs it. The progress line is
 * printed once the write finished (or at once for a no-op), so a line means it is done.
 */
export async function act(ctx: ProvisionContext, change: Omit<Change, "step"> & { step: string }, write: () => Promise<unknown>): Promise<void> {
  if (change.action !== "no-op" && writes(ctx)) {
    try {
      await write();
    } catch (error) {
      if (error instanceof ProvisionerInputError || error instanceof StepError) throw error;
      throw explainWriteError(error, `${change.kind} ${change.name}`);
    }
  }
  ctx.changes.push(change);
  if (ctx.mode !== "plan") ctx.progress(progressLine(change));
}

function progressLine(change: Change): string {
  const verb: Record<Change["action"], string> = { create: "created", update: "updated", delete: "deleted", "no-op": "unchanged" };
  return `${verb[change.action]} ${change.kind} ${change.name}${change.detail ? ` (${change.detail})` : ""}`;
}

/** A read that treats 404 (resource, parent or group not found) as "does not exist yet". */
export async function getOrUndefined<T>(read: () => Promise<T>, what: string): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    if (statusOf(error) === 403) {
      const action = /perform action '([^']+)'/.exec((error as Error).message ?? "")?.[1];
      throw new ProvisionerInputError(
        `cannot read ${what}: the identity lacks ${action ? `'${action}'` : "read access"}; grant it Reader (or the Contributor roles in README, Permissions) on that scope`,
      );
    }
    throw error;
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

/** Lists, treating a missing parent (404) as an empty list. */
export async function listOrEmpty<T>(items: () => AsyncIterable<T>, what: string): Promise<T[]> {
  return (await getOrUndefined(() => collect(items()), what)) ?? [];
}

// The ARM ID helpers live once, in readiness/topology/arm-id.ts; steps import them from here under their old names.
export { idParts as partsOf, sameId, shortName as nameOf } from "../../readiness/topology/arm-id";

/** Subscription, resource group and name of a top-level resource ID. */
/** Runs a destroy action, recording a failure line instead of throwing. */
export async function attempt(ctx: ProvisionContext, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    ctx.failures.push(failureLine(what, error));
  }
}

/**
 * A destroy's listing: on failure, records it (so destroy reports it and exits non-zero) and goes on with nothing
 * listed instead of stopping the other deletions.
 */
export async function listOrRecordFailure<T>(ctx: ProvisionContext, what: string, list: () => Promise<T[]>): Promise<T[]> {
  try {
    return await list();
  } catch (error) {
    ctx.failures.push(failureLine(`listing ${what}`, error));
    return [];
  }
}

/** One line of a destroy report: what failed and the first line of why. */
export function failureLine(what: string, error: unknown): string {
  return `${what}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
}
