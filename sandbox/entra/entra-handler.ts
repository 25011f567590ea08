import { randomUUID } from "node:crypto";
import type { SandboxDirectory } from "../directory";
import { Handler, json, parseFormBody, SandboxRequest, SandboxResponse } from "../http/message";
import { TOKEN_LIFETIME_SECONDS, TokenAuthority } from "./token-authority";

const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/**
 * Microsoft Entra ID for service principals: OpenID discovery, JWKS, instance discovery and the v2.0 token
 * endpoint with the client credentials grant (secret or client assertion), with AADSTS errors shaped as Entra sends them.
 */
export function createEntraHandler(directory: SandboxDirectory, authority: TokenAuthority): Handler {
  return (req) => {
    const segments = req.url.pathname.split("/").filter(Boolean);
    if (segments.length < 2) return undefined;
    const [tenant, ...rest] = segments;
    const route = rest.join("/");
    if (tenant === "common" && route === "discovery/instance" && req.method === "GET") return instanceDiscovery(req);
    const known = ["v2.0/.well-known/openid-configuration", "discovery/v2.0/keys", "oauth2/v2.0/token", ".well-known/openid-configuration"];
    if (!known.includes(route)) return undefined;
    const tenantId = resolveTenant(directory, tenant);
    if (!tenantId)
      return entraError(
        400,
        "invalid_tenant",
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      );
    if (route === "discovery/v2.0/keys" && req.method === "GET") return json(200, { keys: [authority.signingKey.jwk()] });
    if (route.endsWith("openid-configuration") && req.method === "GET") return json(200, openIdConfiguration(req.origin, tenantId));
    if (route === "oauth2/v2.0/token" && req.method === "POST") return token(req, directory, authority, tenantId);
    return undefined;
  };
}

function resolveTenant(directory: SandboxDirectory, tenant: string): string | undefined {
  const lower = tenant.toLowerCase();
  if (lower === directory.tenantId || lower === "organizations" || lower === "common") return directory.tenantId;
  if (lower === "sandbox.onmicrosoft.com") return directory.tenantId;
  return undefined;
}

function openIdConfiguration(origin: string, tenantId: string): Record<string, unknown> {
  return {
    token_endpoint: `${origin}/${tenantId}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${origin}/${tenantId}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${origin}/${tenantId}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${origin}/oidc/userinfo`,
    authorization_endpoint: `${origin}/${tenantId}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${origin}/${tenantId}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${origin}/${tenantId}/oauth2/v2.0/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "nbf", "tid", "oid"],
    kerberos_endpoint: `${origin}/${tenantId}/kerberos`,
    tenant_region_scope: "EU",
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
    rbac_url: "https://pas.windows.net",
  };
}

function instanceDiscovery(req: SandboxRequest): SandboxResponse {
  const host = new URL(req.origin).host;
  return json(200, {
    tenant_discovery_endpoint: `${req.origin}/common/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

function token(req: SandboxRequest, directory: SandboxDirectory, authority: TokenAuthority, tenantId: string): SandboxResponse {
  const form = parseFormBody(req);
  const grantType = form.get("grant_type");
  if (grantType !== "client_credentials") {
    return entraError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType ?? ""}'.`);
  }
  const clientId = form.get("client_id") ?? "";
  const app = directory.findApp(clientId);
  if (!app) {
    return entraError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const scope = form.get("scope") ?? "";
  const resource = scopeToResource(scope);
  if (!resource) {
    return entraError(
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  if (secret !== null) {
    const known = app.secrets.find((s) => s.value === secret);
    if (!known) {
      return entraError(
        401,
        "invalid_client",
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      );
    }
    if (known.expired) {
      return entraError(
        401,
        "invalid_client",
        7000222,
        `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      );
    }
  } else if (assertion !== null) {
    if (form.get("client_assertion_type") !== CLIENT_ASSERTION_TYPE) {
      return entraError(400, "invalid_request", 90014, "The request body must contain the following parameter: 'client_assertion_type'.");
    }
    const problem = authority.checkClientAssertion(app, assertion, `${req.origin}${req.url.pathname}`);
    if (problem) return entraError(401, "invalid_client", problem.code, problem.text);
  } else {
    return entraError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  return json(200, {
    token_type: "Bearer",
    expires_in: TOKEN_LIFETIME_SECONDS,
    ext_expires_in: TOKEN_LIFETIME_SECONDS,
    access_token: authority.issueAppToken(app, resource),
  });
}

/** `https://management.azure.com/.default` -> `https://management.azure.com/` (v1 resource form, as in the `aud` claim). */
function scopeToResource(scope: string): string | undefined {
  const first = scope.split(" ").find((s) => s.endsWith("/.default"));
  return first ? first.slice(0, -".default".length) : undefined;
}

function entraError(status: number, error: string, code: number, text: string): SandboxResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}
