import { createHash, KeyObject, X509Certificate } from "node:crypto";
import type { AppRegistration, SandboxDirectory } from "../directory";
import { decodeJwt, JwtClaims, nowSeconds, SigningKey, verifySignature } from "./jwt";

export const TOKEN_LIFETIME_SECONDS = 3599;

export type AccessTokenCheck =
  { ok: true; app: AppRegistration; claims: JwtClaims } | { ok: false; code: "missing" | "invalid" | "expired" | "audience"; detail: string };

/**
 * Issues and verifies the sandbox's access tokens (RS256 JWTs shaped like Entra ID v1 app tokens), and verifies
 * client assertions: certificate-signed ones against an app's registered certificates, federated ones against
 * the issuers the sandbox trusts (its own Azure DevOps OIDC issuer).
 */
export class TokenAuthority {
  readonly signingKey = new SigningKey();
  private readonly trustedIssuers = new Map<string, KeyObject>();

  constructor(private readonly directory: SandboxDirectory) {}

  trustIssuer(issuer: string, key: KeyObject): void {
    this.trustedIssuers.set(issuer, key);
  }

  issueAppToken(app: AppRegistration, resource: string): string {
    const now = nowSeconds();
    return this.signingKey.sign({
      aud: resource,
      iss: `https://sts.windows.net/${this.directory.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + TOKEN_LIFETIME_SECONDS,
      appid: app.clientId,
      appidacr: "1",
      idp: `https://sts.windows.net/${this.directory.tenantId}/`,
      idtyp: "app",
      oid: app.objectId,
      sub: app.objectId,
      tid: this.directory.tenantId,
      ver: "1.0",
    });
  }

  verifyAccessToken(authorization: string | undefined, acceptedAudiences: string[]): AccessTokenCheck {
    if (!authorization) return { ok: false, code: "missing", detail: "The 'Authorization' header is missing." };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) return { ok: false, code: "invalid", detail: "The 'Authorization' header is invalid." };
    const jwt = decodeJwt(match[1]);
    if (!jwt || !verifySignature(jwt, this.signingKey.publicKey)) {
      return { ok: false, code: "invalid", detail: "The access token is from the wrong issuer or its signature is invalid." };
    }
    if (typeof jwt.claims.exp !== "number" || jwt.claims.exp <= nowSeconds()) {
      return {
        ok: false,
        code: "expired",
        detail: `The access token expiry UTC time '${new Date((jwt.claims.exp ?? 0) * 1000).toUTCString()}' is earlier than current UTC time.`,
      };
    }
    const aud = String(jwt.claims.aud ?? "");
    if (!acceptedAudiences.some((accepted) => sameAudience(accepted, aud))) {
      return {
        ok: false,
        code: "audience",
        detail: `The access token has been obtained for wrong audience or resource '${aud}'. It should exactly match with one of the allowed audiences '${acceptedAudiences.join("','")}'.`,
      };
    }
    const app = this.directory.findAppByObjectId(String(jwt.claims.oid ?? ""));
    if (!app) return { ok: false, code: "invalid", detail: "The access token's service principal no longer exists." };
    return { ok: true, app, claims: jwt.claims };
  }

  /** Returns an AADSTS error code and text when the assertion is not acceptable for `app`, otherwise undefined. */
  checkClientAssertion(app: AppRegistration, assertion: string, tokenEndpoint: string): { code: number; text: string } | undefined {
    const jwt = decodeJwt(assertion);
    if (!jwt) return { code: 50027, text: "JWT token is invalid or malformed." };
    const now = nowSeconds();
    if (typeof jwt.claims.exp !== "number" || jwt.claims.exp < now || (typeof jwt.claims.nbf === "number" && jwt.claims.nbf > now + 300)) {
      return { code: 700024, text: "Client assertion is not within its valid time range." };
    }
    const thumbprint = certificateThumbprint(jwt.header);
    if (thumbprint) {
      const certPem = app.certificateThumbprints.get(thumbprint);
      if (!certPem)
        return {
          code: 700027,
          text: `Client assertion failed signature validation. (Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}')`,
        };
      if (!verifySignature(jwt, new X509Certificate(certPem).publicKey)) return { code: 700027, text: "Client assertion failed signature validation." };
      const aud = String(jwt.claims.aud ?? "");
      if (!sameAudience(aud, tokenEndpoint) && !aud.includes(this.directory.tenantId)) {
        return { code: 50027, text: `Invalid JWT token. Token audience '${aud}' is not the token endpoint.` };
      }
      return undefined;
    }
    const issuer = String(jwt.claims.iss ?? "");
    const subject = String(jwt.claims.sub ?? "");
    const audiences = Array.isArray(jwt.claims.aud) ? jwt.claims.aud.map(String) : [String(jwt.claims.aud ?? "")];
    const byIssuer = app.federatedCredentials.filter((fc) => fc.issuer === issuer);
    if (byIssuer.length === 0)
      return {
        code: 700211,
        text: `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      };
    const bySubject = byIssuer.filter((fc) => fc.subject === subject);
    if (bySubject.length === 0)
      return {
        code: 700213,
        text: `No matching federated identity record found for presented assertion subject '${subject}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      };
    if (!bySubject.some((fc) => fc.audiences.some((a) => audiences.includes(a)))) {
      return { code: 700212, text: `No matching federated identity record found for presented assertion audience '${audiences.join(",")}'.` };
    }
    const key = this.trustedIssuers.get(issuer);
    if (!key || !verifySignature(jwt, key)) return { code: 700027, text: "Client assertion failed signature validation." };
    return undefined;
  }
}

function certificateThumbprint(header: Record<string, unknown>): string | undefined {
  if (typeof header.x5t === "string") return Buffer.from(header.x5t, "base64url").toString("hex").toUpperCase();
  if (typeof header["x5t#S256"] === "string") return Buffer.from(header["x5t#S256"], "base64url").toString("hex").toUpperCase();
  return undefined;
}

/** SHA-1 and SHA-256 thumbprints of a PEM certificate, the keys assertions name it by. */
export function thumbprintsOf(certPem: string): string[] {
  const der = new X509Certificate(certPem).raw;
  return [createHash("sha1").update(der).digest("hex").toUpperCase(), createHash("sha256").update(der).digest("hex").toUpperCase()];
}

function sameAudience(a: string, b: string): boolean {
  return a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();
}
