import type { ProvisionContext } from "../../provisioner/context";

/** The exit status of a command stopped by SIGINT, as shells report it (128 + 2). */
export const INTERRUPTED_EXIT_CODE = 130;

function elapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s` : `${seconds}s`;
}

/** What a Ctrl-C during plan/apply/destroy says: what is done, what may still finish, and how to resume. */
export function interruptionReport(command: string, file: string, ctx: ProvisionContext, elapsedMs: number): string {
  const done = ctx.changes.filter((c) => c.action !== "no-op");
  const verb: Record<string, string> = { create: "created", update: "updated", delete: "deleted" };
  const lines = [`amlvnet ${command}: interrupted (Ctrl-C) after ${elapsed(elapsedMs)}.`];
  if (command === "plan") {
    lines.push("Nothing was changed: plan only reads.");
    return lines.join("\n") + "\n";
  }
  lines.push(done.length ? `Done before the interruption (${done.length}):` : "Nothing was changed before the interruption.");
  for (const change of done) lines.push(`  ${verb[change.action]} ${change.kind} ${change.name}`);
  const unchanged = ctx.changes.length - done.length;
  if (unchanged) lines.push(`  (${unchanged} already as desired)`);
  lines.push("A write already sent to Azure may still finish there on its own.");
  lines.push(
    command === "destroy"
      ? `Run 'amlvnet destroy -f ${file} --yes' again to finish: it removes only what is still there.`
      : `Run 'amlvnet apply -f ${file}' again to resume: every step reads what exists first, so it continues where it stopped.`,
  );
  return lines.join("\n") + "\n";
}

/**
 * Until `release` is called, the first SIGINT prints the interruption report to stderr, aborts the run's signal
 * and exits 130 at once (the report is already written: pipes and files are synchronous on POSIX); a second
 * SIGINT is not waited for.
 */
export function exitOnInterrupt(report: () => string, controller: AbortController): () => void {
  const onSigint = () => {
    process.stderr.write(report());
    controller.abort();
    process.exit(INTERRUPTED_EXIT_CODE);
  };
  process.once("SIGINT", onSigint);
  return () => process.removeListener("SIGINT", onSigint);
}
