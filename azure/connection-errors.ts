import { accessSync, constants } from "node:fs";
import { request } from "node:https";
import type { ProxySettings } from "@azure/core-rest-pipeline";
import { fetchThroughPipeline } from "./proxied-fetch";

/**
 * Why a connection to Azure (Entra ID or ARM) failed, for the CLI and the pipeline task alike: the real cause
 * (an untrusted certificate, an unreachable host, an unknown tenant, an AADSTS code) and what to change.
 */
export type ConnectionCause =
  | "untrusted-certificate"
  | "unreachable"
  | "unknown-tenant"
  | "unknown-client"
  | "wrong-secret"
  | "expired-secret"
  | "federation-refused"
  | "entra-refused"
  | "no-credential";

export interface ConnectionExplanation {
  cause: ConnectionCause;
  /** What happened, e.g. "AADSTS90002: Tenant '…' not found." or "the TLS certificate of https://… is not trusted". */
  detail: string;
  /** What to change, naming the setting. */
  fix: string;
}

/** Names of the settings the advice refers to (environment variables for the CLI, the service connection in the task). */
export interface ConnectionSettings {
  authorityHost: string;
  tenantId?: string;
  authoritySetting: string;
  tenantSetting: string;
  clientSetting: string;
  secretSetting: string;
  /** The proxy the credential goes through to the authority (the task's agent proxy): the diagnosis must go the same way. */
  proxy?: ProxySettings;
}

const TLS_CODES = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ESOCKETTIMEDOUT"]);
const IDENTITY_ERRORS = new Set(["AuthenticationError", "CredentialUnavailableError", "AggregateAuthenticationError", "AuthenticationRequiredError"]);

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = typeof e?.code === "string" ? e.code : typeof e?.cause?.code === "string" ? e.cause.code : undefined;
  return code;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A TLS or network failure reaching `url` (named by `setting`), or undefined for any other error. */
export function explainEndpointError(error: unknown, url: string, setting: string): ConnectionExplanation | undefined {
  const code = errorCode(error);
  const reason = errorMessage(error).split("\n")[0];
  // Some clients (azure-devops-node-api) keep only the message of a TLS failure.
  const tlsMessage =
    /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate has expired/i.test(reason);
  if ((code && TLS_CODES.has(code)) || tlsMessage) return untrustedCertificate(url, reason);
  if (code && NETWORK_CODES.has(code))
    return {
      cause: "unreachable",
      detail: `cannot reach ${url} (${setting}): ${reason}`,
      fix: `Check that ${setting} names a running endpoint this machine can reach (proxy, firewall, DNS).`,
    };
  return undefined;
}

function untrustedCertificate(url: string, reason: string): ConnectionExplanation {
  return {
    cause: "untrusted-certificate",
    detail: `the TLS certificate of ${url} is not trusted (${reason})`,
    fix: extraCaFix(process.env.NODE_EXTRA_CA_CERTS),
  };
}

/**
 * What to do about an untrusted certificate, given the NODE_EXTRA_CA_CERTS this process started with (Node reads the
 * process's own variable, once, at start): unset, set to a file that cannot be read, or to one without that CA.
 */
export function extraCaFix(extraCa: string | undefined): string {
  const sandbox = "for the sandbox: the NODE_EXTRA_CA_CERTS of its env, ca.pem in its --state-dir";
  if (!extraCa)
    return `Set NODE_EXTRA_CA_CERTS to the PEM file of the CA that issued it (${sandbox}) before starting the process; Node reads it only at start.`;
  try {
    accessSync(extraCa, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return `NODE_EXTRA_CA_CERTS is ${extraCa}, which cannot be read (${code}): point it at the PEM file of the CA that issued the certificate (${sandbox}) and start again.`;
  }
  return `NODE_EXTRA_CA_CERTS (${extraCa}) does not hold the CA that issued it (another sandbox's state directory?): point it at that CA's PEM file (${sandbox}) and start again.`;
}

/** Maps an AADSTS code in an Entra error to its cause. */
function fromAadsts(message: string, settings: ConnectionSettings): ConnectionExplanation | undefined {
  const match = /AADSTS(\d+)[^\n]*?(?:\.(?=\s|$)|$)/m.exec(message);
  if (!match) return undefined;
  const detail = match[0].replace(/\s*Trace ID:.*$/, "").trim();
  switch (match[1]) {
    case "90002":
      return {
        cause: "unknown-tenant",
        detail,
        fix: `Check ${settings.tenantSetting}: Entra ID has no such tenant at ${settings.authorityHost} (or it belongs to another cloud).`,
      };
    case "700016":
      return {
        cause: "unknown-client",
        detail,
        fix: `Check ${settings.clientSetting}: no application with that ID exists in the tenant ${settings.tenantId ?? ""}.`.replace(" .", "."),
      };
    case "7000215":
      return { cause: "wrong-secret", detail, fix: `Check ${settings.secretSetting} (the secret's value, not its ID).` };
    case "7000222":
      return { cause: "expired-secret", detail, fix: `Create a new client secret for the application and set ${settings.secretSetting}.` };
    case "700211":
    case "700212":
    case "700213":
      return { cause: "federation-refused", detail, fix: "Check the federated credential's issuer and subject on the app registration." };
    default:
      return { cause: "entra-refused", detail, fix: "See the AADSTS code at https://login.microsoftonline.com/error." };
  }
}

/**
 * Asks the authority for the tenant's OpenID configuration, the first request MSAL makes, and names what goes wrong:
 * @azure/identity reports an untrusted certificate, an unreachable host and an unknown tenant all as
 * `endpoints_resolution_error`, without the cause.
 */
export function diagnoseAuthority(settings: ConnectionSettings, timeoutMs = 5000): Promise<ConnectionExplanation | undefined> {
  const url = `${settings.authorityHost.replace(/\/+$/, "")}/${settings.tenantId || "organizations"}/v2.0/.well-known/openid-configuration`;
  if (settings.proxy) return diagnoseThroughProxy(url, settings, settings.proxy, timeoutMs);
  return new Promise((resolve) => {
    let settled = false;
    const done = (value: ConnectionExplanation | undefined) => {
      if (!settled) resolve(value);
      settled = true;
    };
    try {
      const req = request(url, { method: "GET", timeout: timeoutMs }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () =>
          done(
            res.statusCode === 200
              ? undefined
              : (fromAadsts(body, settings) ?? {
                  cause: "unreachable",
                  detail: `${url} answered HTTP ${res.statusCode}`,
                  fix: `Check ${settings.authoritySetting}: it must be the Entra ID authority of your cloud.`,
                }),
          ),
        );
        res.on("error", () => done(undefined));
      });
      req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
      req.on("error", (error) => done(explainEndpointError(error, settings.authorityHost, settings.authoritySetting)));
      req.end();
    } catch (error) {
      done({
        cause: "unreachable",
        detail: `${settings.authoritySetting} is not a usable URL: ${errorMessage(error)}`,
        fix: `Set ${settings.authoritySetting} to an https:// URL.`,
      });
    }
  });
}

/** The same diagnosis through the proxy the credential used: a direct request would go around a proxy the network requires. */
async function diagnoseThroughProxy(
  url: string,
  settings: ConnectionSettings,
  proxy: ProxySettings,
  timeoutMs: number,
): Promise<ConnectionExplanation | undefined> {
  try {
    const response = await fetchThroughPipeline(url, { proxy, timeoutMs });
    if (response.ok) return undefined;
    const body = await response.text();
    return (
      fromAadsts(body, settings) ?? {
        cause: "unreachable",
        detail: `${url} answered HTTP ${response.status} through the proxy`,
        fix: `Check ${settings.authoritySetting} and the agent's proxy settings.`,
      }
    );
  } catch (error) {
    return explainEndpointError(error, settings.authorityHost, settings.authoritySetting);
  }
}

/** Whether an error comes from getting a token (an @azure/identity error or an Entra AADSTS answer). */
export function isAuthError(error: unknown): boolean {
  const e = error as { name?: unknown } | undefined;
  return (typeof e?.name === "string" && IDENTITY_ERRORS.has(e.name)) || /AADSTS\d+/.test(errorMessage(error));
}

/** The real cause of a failure to get a token, or undefined when the error did not come from authentication. */
export async function explainAuthError(error: unknown, settings: ConnectionSettings): Promise<ConnectionExplanation | undefined> {
  if (!isAuthError(error)) return undefined;
  const message = errorMessage(error);
  const aadsts = fromAadsts(message, settings);
  if (aadsts) return aadsts;
  const diagnosed = await diagnoseAuthority(settings);
  if (diagnosed) return diagnosed;
  const name = (error as { name?: unknown }).name;
  if (name === "CredentialUnavailableError" || (name === "AggregateAuthenticationError" && !/AADSTS|endpoints_resolution/.test(message))) {
    return {
      cause: "no-credential",
      detail: "no credential is configured",
      fix: `Set ${settings.tenantSetting}, ${settings.clientSetting} and ${settings.secretSetting} (or use a managed identity, or 'az login').`,
    };
  }
  return {
    cause: "entra-refused",
    detail: message.split("\n").filter(Boolean).slice(-1)[0] ?? message,
    fix: `Check ${settings.tenantSetting}, ${settings.clientSetting} and ${settings.secretSetting}.`,
  };
}

/** "cannot authenticate to Azure: <detail>. <fix>" on one line. */
export function connectionErrorLine(prefix: string, explanation: ConnectionExplanation): string {
  return `${prefix}: ${explanation.detail.replace(/\.$/, "")}. ${explanation.fix}`.replace(/\s+/g, " ");
}
