import type { ProvisionContext } from "./context";
import { STAGES, STEPS } from "./steps";
import { preflightStep } from "./steps/preflight";
import { failureLine } from "./steps/step";

/** What apply, plan and destroy hand back to their adapter (the CLI): everything it prints comes from here. */
export interface RunResult {
  ok: boolean;
  changes: ProvisionContext["changes"];
  /** destroy: every failure, in the order met. */
  failures: string[];
  /** apply: the readiness report from the agent VNet. */
  report?: ProvisionContext["report"];
}

/**
 * plan (mode "plan") and apply: every stage in order, its steps concurrently. A step's error stops the run (a
 * re-run converges: each step first checks whether its resource is already as desired).
 */
export async function runSteps(ctx: ProvisionContext): Promise<RunResult> {
  for (const stage of STAGES) {
    // Every step of the stage finishes (or fails) before the first failure is reported: nothing keeps running behind it.
    const outcomes = await Promise.allSettled(stage.map((step) => step.apply(ctx)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
  }
  const ready = ctx.report ? ctx.report.ready : true;
  return { ok: ready, changes: ctx.changes, failures: [], report: ctx.report };
}

/**
 * destroy: preflight (the PAT must work; the workspace may be gone), then every step's destroy from the last to
 * the first, collecting failures instead of stopping at the first.
 */
export async function runDestroy(ctx: ProvisionContext): Promise<RunResult> {
  await preflightStep.destroy?.(ctx);
  for (const step of [...STEPS].reverse()) {
    if (step === preflightStep || !step.destroy) continue;
    try {
      await step.destroy(ctx);
    } catch (error) {
      ctx.failures.push(failureLine(step.name, error));
    }
  }
  return { ok: ctx.failures.length === 0, changes: ctx.changes, failures: ctx.failures };
}
