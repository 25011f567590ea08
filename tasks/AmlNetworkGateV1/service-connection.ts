import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { AzurePipelinesCredential, ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from "@azure/identity";
import * as tl from "azure-pipelines-task-lib/task";
import { CloudEndpoints, cloudEndpoints, cloudFromEnvironment, needsInstanceDiscoveryDisabled } from "../../azure/cloud";
import { withCloudAudience } from "../../azure/cloud-metadata";
import type { ProxyFor } from "../../azure/proxy";
import { explainAuthError } from "../../azure/connection-errors";

export interface ServiceConnection {
  id: string;
  /** For messages: the subscription name and connection ID. */
  label: string;
  subscriptionId: string;
  /** For explaining authentication failures (absent for managed identities). */
  tenantId?: string;
  endpoints: CloudEndpoints;
  credential: TokenCredential;
  /** The agent's proxy per URL; undefined when the agent has none. */
  proxyFor?: ProxyFor;
}

export class ServiceConnectionError extends Error {}

/** Registers every token it hands out as a secret, so the agent masks it in all logs. */
class MaskingCredential implements TokenCredential {
  constructor(private readonly inner: TokenCredential) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const token = await this.inner.getToken(scopes, options);
    if (token?.token) tl.setSecret(token.token);
    return token;
  }
}

const SECRET_PARAMETERS = ["serviceprincipalkey", "servicePrincipalCertificate", "certificate"];

function lookup(parameters: Record<string, string>, key: string): string | undefined {
  const match = Object.keys(parameters).find((k) => k.toLowerCase() === key.toLowerCase());
  return match ? parameters[match] : undefined;
}

function required(connection: string, key: string, value: string | undefined): string {
  if (!value) throw new ServiceConnectionError(tl.loc("ConnectionParameterMissing", connection, key));
  return value;
}

/**
 * The job's own access token. Every job has the SystemVssConnection endpoint (scheme OAuth, parameter AccessToken);
 * Microsoft's tasks read it there (azure-pipelines-tasks common-npm-packages: azure-arm-rest webapi.ts
 * getSystemAccessToken via getEndpointAuthorization, AzureCLI azCliUtility.ts via getEndpointAuthorizationParameter).
 * System.AccessToken is only set when the token is exposed to scripts: the last resort. The object is read first
 * because getEndpointAuthorizationParameter prints the value in a debug line.
 */
function jobAccessToken(): string | undefined {
  const fromObject = tl.getEndpointAuthorization("SystemVssConnection", true)?.parameters;
  const token =
    (fromObject ? lookup(fromObject, "AccessToken") : undefined) ||
    tl.getEndpointAuthorizationParameter("SystemVssConnection", "AccessToken", true) ||
    tl.getVariable("System.AccessToken");
  if (token) tl.setSecret(token);
  return token || undefined;
}

/** Reads an AzureRM service connection the way the agent hands it to tasks, and builds its credential. */
export function readServiceConnection(connectionId: string, proxyFor?: ProxyFor): ServiceConnection {
  const url = tl.getEndpointUrl(connectionId, false) ?? "";
  const data = (key: string) => tl.getEndpointDataParameter(connectionId, key, true);
  // getEndpointAuthorizationParameter would print each value in a debug line; read the object and mask the secrets.
  const parameters = tl.getEndpointAuthorization(connectionId, true)?.parameters ?? {};
  for (const key of SECRET_PARAMETERS) {
    // The agent masks line by line, and refuses a multi-line secret: register each line of a PEM.
    for (const line of (lookup(parameters, key) ?? "").split(/\r?\n/)) if (line.trim() && !line.startsWith("-----")) tl.setSecret(line.trim());
  }
  const auth = (key: string) => lookup(parameters, key);
  const subscriptionId = required(connectionId, "subscriptionId", data("subscriptionid"));
  const label = `${data("subscriptionname") ?? subscriptionId} (${connectionId})`;
  const endpoints = cloudEndpoints(cloudFromEnvironment(data("environment")), { armEndpoint: url, authorityHost: data("environmentAuthorityUrl") });
  // One proxy decision for the authority serves the credential's calls (Entra; for federation also the OIDC request).
  const proxyOptions = proxyFor?.(endpoints.authorityHost);
  const options = { authorityHost: endpoints.authorityHost, disableInstanceDiscovery: needsInstanceDiscoveryDisabled(endpoints.authorityHost), proxyOptions };
  const scheme = (tl.getEndpointAuthorizationScheme(connectionId, true) ?? "").toLowerCase();
  tl.debug(
    `connection ${connectionId}: scheme ${scheme || "(none)"}, cloud ${endpoints.cloud}, ARM ${endpoints.armEndpoint}${endpoints.customArm ? " (custom: audience from its metadata)" : ""}, authority ${endpoints.authorityHost}`,
  );
  const tenantId = auth("tenantid");
  const clientId = auth("serviceprincipalid");
  let credential: TokenCredential;
  switch (scheme) {
    case "serviceprincipal": {
      const tenant = required(label, "tenantid", tenantId);
      const client = required(label, "serviceprincipalid", clientId);
      const authenticationType = auth("authenticationType") ?? "spnKey";
      tl.debug(`connection ${connectionId}: service principal ${client}, ${authenticationType}`);
      if (authenticationType.toLowerCase() === "spncertificate") {
        const certificate = required(label, "servicePrincipalCertificate", auth("servicePrincipalCertificate"));
        credential = new ClientCertificateCredential(tenant, client, { certificate }, options);
      } else {
        credential = new ClientSecretCredential(tenant, client, required(label, "serviceprincipalkey", auth("serviceprincipalkey")), options);
      }
      break;
    }
    case "workloadidentityfederation": {
      const accessToken = jobAccessToken();
      if (!accessToken) throw new ServiceConnectionError(tl.loc("ConnectionJobTokenMissing", label));
      tl.debug(
        `connection ${connectionId}: workload identity federation, OIDC token from ${tl.getVariable("System.OidcRequestUri") ? "System.OidcRequestUri" : "(System.OidcRequestUri not set)"}`,
      );
      credential = new AzurePipelinesCredential(
        required(label, "tenantid", tenantId),
        required(label, "serviceprincipalid", clientId),
        connectionId,
        accessToken,
        options,
      );
      break;
    }
    case "managedserviceidentity": {
      // A user-assigned identity's client ID is endpoint data (azure-pipelines-tasks azure-arm-rest
      // azure-arm-endpoint.ts reads `msiclientId`); the parameters carry none.
      const msiClientId = data("msiclientId") || clientId;
      tl.debug(`connection ${connectionId}: managed identity, ${msiClientId ? `user-assigned client ID ${msiClientId}` : "system-assigned"}`);
      credential = msiClientId ? new ManagedIdentityCredential({ clientId: msiClientId }) : new ManagedIdentityCredential();
      break;
    }
    default:
      throw new ServiceConnectionError(tl.loc("ConnectionSchemeUnsupported", label, scheme || tl.loc("ConnectionSchemeNone")));
  }
  return {
    id: connectionId,
    label,
    subscriptionId,
    tenantId,
    endpoints,
    credential: new MaskingCredential(withCloudAudience(credential, endpoints, proxyFor?.(endpoints.armEndpoint))),
    proxyFor,
  };
}

/** Turns @azure/identity and Entra failures into advice that names the connection (the cause: azure/connection-errors). */
export async function explainConnectionError(
  error: unknown,
  connection: Pick<ServiceConnection, "label" | "endpoints" | "tenantId" | "proxyFor">,
): Promise<string | undefined> {
  const explained = await explainAuthError(error, {
    authorityHost: connection.endpoints.authorityHost,
    tenantId: connection.tenantId,
    authoritySetting: "the service connection's authority (environmentAuthorityUrl)",
    tenantSetting: "the service connection's tenant ID",
    clientSetting: "the service connection's service principal ID",
    secretSetting: "the service connection's secret",
    proxy: connection.proxyFor?.(connection.endpoints.authorityHost),
  });
  if (!explained) return undefined;
  if (explained.cause === "wrong-secret") return tl.loc("ConnectionSecretInvalid", connection.label, explained.detail);
  if (explained.cause === "expired-secret") return tl.loc("ConnectionSecretExpired", connection.label, explained.detail);
  if (explained.cause === "federation-refused") return tl.loc("ConnectionFederationFailed", connection.label, explained.detail);
  return tl.loc("ConnectionAuthFailed", connection.label, `${explained.detail.replace(/\.$/, "")}. ${explained.fix}`);
}
