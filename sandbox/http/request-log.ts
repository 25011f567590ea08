import { appendFileSync, writeFileSync } from "node:fs";

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  fault?: string;
  /** The long-running operation a write started (its Azure-AsyncOperation or Location path) and Retry-After. */
  operation?: string;
  retryAfter?: number;
  /** Request bodies of writes with every secret-bearing field replaced by {@link REDACTED}. */
  body?: string;
}

export const REDACTED = "[redacted]";

/**
 * Fields whose values are secrets wherever they appear in a JSON body: Custom Script extension protectedSettings
 * (the PAT), VM admin passwords and customData, client secrets, assertions and tokens, private keys.
 */
const SECRET_FIELDS =
  /^(protectedSettings|protectedSettingsFromKeyVault|adminPassword|password|customData|clientSecret|client_secret|secret|secretText|value|token|accessToken|access_token|refreshToken|refresh_token|idToken|id_token|clientAssertion|client_assertion|assertion|privateKey|pat|personalAccessToken)$/i;

/** Fields named like secrets but holding none (a key's public half, a Key Vault reference's URL), kept in the log. */
function isSecretField(key: string, value: unknown): boolean {
  if (!SECRET_FIELDS.test(key)) return false;
  // "value" is a secret only as a string next to nothing that says otherwise (Key Vault secrets, DevOps variables).
  return key.toLowerCase() !== "value" || typeof value === "string";
}

function redactJson(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(redactJson);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>).map(([key, value]) => [key, isSecretField(key, value) ? REDACTED : redactJson(value)]),
  );
}

/**
 * The body as it may be logged: secret-bearing fields replaced, and any known secret value (PATs, client secrets)
 * replaced wherever it still appears (a non-JSON body, a field not named above).
 */
export function redactBody(body: string, knownSecrets: readonly string[] = []): string {
  let text = body;
  try {
    text = JSON.stringify(redactJson(JSON.parse(body)));
  } catch {
    // Not JSON: only known values can be found.
  }
  for (const secret of knownSecrets) if (secret.length >= 8) text = text.split(secret).join(REDACTED);
  return text;
}

/** One JSON line per request, appended synchronously so a killed sandbox loses nothing already answered. */
export class RequestLog {
  constructor(
    private readonly file: string | undefined,
    private readonly knownSecrets: () => readonly string[] = () => [],
  ) {
    if (file) writeFileSync(file, "", { mode: 0o600 });
  }

  write(entry: RequestLogEntry): void {
    if (!this.file) return;
    const logged = entry.body === undefined ? entry : { ...entry, body: redactBody(entry.body, this.knownSecrets()) };
    appendFileSync(this.file, JSON.stringify(logged) + "\n");
  }
}
