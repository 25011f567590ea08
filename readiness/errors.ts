/** Problems that stop a check before it can judge the network: exit code 2, one line that names the input and the fix. */
export class CheckSetupError extends Error {}

export class PermissionDeniedError extends CheckSetupError {}

interface ArmLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** Turns an SDK RestError from a read into advice: which permission is missing, or which resource does not exist. */
export function explainReadError(error: unknown, what: string, resourceId: string): Error {
  const e = error as ArmLikeError;
  if (e?.statusCode === 403 || e?.code === "AuthorizationFailed") {
    const action = /perform action '([^']+)'/.exec(e.message ?? "")?.[1];
    return new PermissionDeniedError(
      `cannot read ${what} ${resourceId}: the identity lacks ${action ? `'${action}'` : "read access"}; grant it the Reader role on that scope (az role assignment create --role Reader --scope ${scopeOf(resourceId)} --assignee <identity>)`,
    );
  }
  if (e?.statusCode === 401) {
    return new CheckSetupError(
      `cannot authenticate to Azure Resource Manager while reading ${what}: ${firstLine(e.message)}; check AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET or 'az login'`,
    );
  }
  if (e?.statusCode === 404) {
    return new CheckSetupError(`${what} ${resourceId} was not found (${e.code ?? "NotFound"}); check the ID and the subscription`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function scopeOf(resourceId: string): string {
  const match = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i.exec(resourceId);
  return match ? match[1] : resourceId;
}

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n")[0];
}
