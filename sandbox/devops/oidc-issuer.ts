import { randomBytes } from "node:crypto";
import type { AppRegistration, SandboxDirectory } from "../directory";
import { SigningKey } from "../entra/jwt";
import type { TokenAuthority } from "../entra/token-authority";
import { Handler, headerValue, json } from "../http/message";

export interface ServiceConnectionRegistration {
  id: string;
  name: string;
  project: string;
  app: AppRegistration;
}

const AUDIENCE = "api://AzureADTokenExchange";

/**
 * Azure DevOps as an OIDC issuer for workload identity federation: a job's System.AccessToken buys, per service
 * connection, a short-lived ID token (iss vstoken.dev.azure.com/<org id>, sub sc://<org>/<project>/<connection>)
 * that Entra exchanges for an access token when the app has a matching federated credential.
 */
export class DevOpsOidcIssuer {
  readonly issuer: string;
  private readonly key = new SigningKey();
  private readonly connections = new Map<string, ServiceConnectionRegistration>();
  private readonly jobTokens = new Set<string>();

  constructor(
    private readonly directory: SandboxDirectory,
    authority: TokenAuthority,
  ) {
    this.issuer = `https://vstoken.dev.azure.com/${directory.devopsOrganizationId}`;
    authority.trustIssuer(this.issuer, this.key.publicKey);
  }

  /** Adds a WIF service connection and the federated credential its app registration needs. */
  registerServiceConnection(connection: ServiceConnectionRegistration): void {
    this.connections.set(connection.id.toLowerCase(), connection);
    const subject = this.subjectOf(connection);
    if (!connection.app.federatedCredentials.some((fc) => fc.issuer === this.issuer && fc.subject === subject)) {
      connection.app.federatedCredentials.push({ issuer: this.issuer, subject, audiences: [AUDIENCE] });
    }
  }

  /** A System.AccessToken for one job, as the agent would receive it. */
  issueJobAccessToken(): string {
    const token = randomBytes(32).toString("base64url");
    this.jobTokens.add(token);
    return token;
  }

  subjectOf(connection: Pick<ServiceConnectionRegistration, "project" | "name">): string {
    return `sc://${this.directory.devopsOrganization}/${connection.project}/${connection.name}`;
  }

  handler(): Handler {
    return (req) => {
      const match = /^\/([^/]+)\/([^/]+)\/_apis\/distributedtask\/hubs\/[^/]+\/plans\/[^/]+\/jobs\/[^/]+\/oidctoken$/i.exec(req.url.pathname);
      if (!match || req.method !== "POST" || match[1].toLowerCase() !== this.directory.devopsOrganization) return undefined;
      const bearer = /^Bearer (.+)$/.exec(headerValue(req, "authorization") ?? "")?.[1];
      if (!bearer || !this.jobTokens.has(bearer))
        return { status: 401, body: { message: "TF400813: The user is not authorized to access this resource.", typeKey: "UnauthorizedRequestException" } };
      const connectionId = req.url.searchParams.get("serviceConnectionId") ?? "";
      const connection = this.connections.get(connectionId.toLowerCase());
      if (!connection)
        return json(404, {
          message: `Service connection ${connectionId} was not found or the job is not authorized to use it.`,
          typeKey: "ServiceEndpointNotFoundException",
        });
      const now = Math.floor(Date.now() / 1000);
      const oidcToken = this.key.sign({ iss: this.issuer, sub: this.subjectOf(connection), aud: AUDIENCE, iat: now, nbf: now, exp: now + 600 });
      return json(200, { oidcToken });
    };
  }
}
