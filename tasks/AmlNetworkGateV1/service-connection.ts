import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { AzurePipelinesCredential, ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from "@azure/identity";
import * as tl from "azure-pipelines-task-lib/task";
import { CloudEndpoints, cloudEndpoints, cloudFromEnvironment, needsInstanceDiscoveryDisabled } from "../../azure/cloud";
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

function required(connectionId: string, key: string, value: string | undefined): string {
  if (!value) throw new ServiceConnectionError(tl.loc("ConnectionSchemeUnsupported", connectionId, `missing ${key}`));
  return value;
}

/** Reads an AzureRM service connection the way the agent hands it to tasks, and builds its credential. */
export function readServiceConnection(connectionId: string): ServiceConnection {
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
  const options = { authorityHost: endpoints.authorityHost, disableInstanceDiscovery: needsInstanceDiscoveryDisabled(endpoints.authorityHost) };
  const scheme = (tl.getEndpointAuthorizationScheme(connectionId, true) ?? "").toLowerCase();
  const tenantId = auth("tenantid");
  const clientId = auth("serviceprincipalid");
  let credential: TokenCredential;
  switch (scheme) {
    case "serviceprincipal": {
      const tenant = required(label, "tenantid", tenantId);
      const client = required(label, "serviceprincipalid", clientId);
      if ((auth("authenticationType") ?? "spnKey").toLowerCase() === "spncertificate") {
        const certificate = required(label, "servicePrincipalCertificate", auth("servicePrincipalCertificate"));
        credential = new ClientCertificateCredential(tenant, client, { certificate }, options);
      } else {
        credential = new ClientSecretCredential(tenant, client, required(label, "serviceprincipalkey", auth("serviceprincipalkey")), options);
      }
      break;
    }
    case "workloadidentityfederation": {
      const accessToken = tl.getVariable("System.AccessToken");
      if (!accessToken) throw new ServiceConnectionError(tl.loc("ConnectionFederationFailed", label, "System.AccessToken is not available to the task; allow scripts to access the OAuth token or map $(System.AccessToken)"));
      credential = new AzurePipelinesCredential(required(label, "tenantid", tenantId), required(label, "serviceprincipalid", clientId), connectionId, accessToken, options);
      break;
    }
    case "managedserviceidentity":
      credential = clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
      break;
    default:
      throw new ServiceConnectionError(tl.loc("ConnectionSchemeUnsupported", label, scheme || "(none)"));
  }
  return { id: connectionId, label, subscriptionId, tenantId, endpoints, credential: new MaskingCredential(credential) };
}

/** Turns @azure/identity and Entra failures into advice that names the connection (the cause: azure/connection-errors). */
export async function explainConnectionError(error: unknown, connection: Pick<ServiceConnection, "label" | "endpoints" | "tenantId">): Promise<string | undefined> {
  const explained = await explainAuthError(error, {
    authorityHost: connection.endpoints.authorityHost,
    tenantId: connection.tenantId,
    authoritySetting: "the service connection's authority (environmentAuthorityUrl)",
    tenantSetting: "the service connection's tenant ID",
    clientSetting: "the service connection's service principal ID",
    secretSetting: "the service connection's secret",
  });
  if (!explained) return undefined;
  if (explained.cause === "wrong-secret") return tl.loc("ConnectionSecretInvalid", connection.label, explained.detail);
  if (explained.cause === "expired-secret") return tl.loc("ConnectionSecretExpired", connection.label, explained.detail);
  if (explained.cause === "federation-refused") return tl.loc("ConnectionFederationFailed", connection.label, explained.detail);
  return tl.loc("ConnectionAuthFailed", connection.label, `${explained.detail.replace(/\.$/, "")}. ${explained.fix}`);
}
