/**
 * Errors of the provisioner. `ProvisionerInputError` is a bad input found before anything changed (config, flags,
 * environment, credentials, permissions, a conflicting network): one line naming the input and the fix, exit 2.
 * `StepError` is a failure while changing Azure or Azure DevOps: exit 1, and a re-run converges.
 */
export class ProvisionerInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProvisionerInputError";
  }
}

export class StepError extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(`${step}: ${message}`);
    this.name = "StepError";
  }
}

/** Agents that did not come online in time (exit 1): names them and says where to look. */
export class AgentsOfflineError extends StepError {
  constructor(
    readonly missing: string[],
    message: string,
  ) {
    super("agents-online", message);
    this.name = "AgentsOfflineError";
  }
}

interface RestLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

export function statusOf(error: unknown): number | undefined {
  return (error as RestLikeError | undefined)?.statusCode;
}

export function codeOf(error: unknown): string | undefined {
  return (error as RestLikeError | undefined)?.code;
}

/** The first line of an error's message, with no trailing period duplication. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0].trim();
}

/** An ARM write failure as one actionable line: the code, what was being written, and the permission when denied. */
export function explainWriteError(error: unknown, what: string): Error {
  const status = statusOf(error);
  const code = codeOf(error);
  if (status === 403 || code === "AuthorizationFailed" || code === "LinkedAuthorizationFailed") {
    const action = /perform action '([^']+)'/.exec((error as RestLikeError).message ?? "")?.[1];
    return new ProvisionerInputError(
      `cannot write ${what}: the identity lacks ${action ? `'${action}'` : "write access"}; grant it Network Contributor / Virtual Machine Contributor / Private DNS Zone Contributor on that scope (see README, Permissions)`,
    );
  }
  return new Error(`cannot write ${what}: ${code ? `${code}: ` : ""}${firstLine(error)}`);
}
