/** One exit-code table for every amlvnet command (README "Exit codes" and every --help repeat it). */
export const EXIT = {
  /** Done: ready, planned, applied, destroyed, listed. */
  ok: 0,
  /** Not ready (per --fail-on), or an operation failed (a step of apply, a request Azure refused). */
  failed: 1,
  /** Bad input, authentication, permission or an endpoint that cannot be reached: nothing was changed. */
  usage: 2,
  /** An unexpected error (a bug): run again with --debug for the stack trace. */
  unexpected: 3,
  /** Interrupted by Ctrl-C (SIGINT), as shells report it. */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `Exit codes: 0 done (check: ready), 1 not ready or an operation failed, 2 bad input, authentication, permission
or unreachable endpoint (nothing changed), 3 unexpected error (add --debug for the stack trace), 130 interrupted.`;

/** A programming error (a bug), as opposed to a failure Azure, the network or the input caused. */
export function isUnexpected(error: unknown): boolean {
  return (
    !(error instanceof Error) || error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError || error instanceof SyntaxError
  );
}
