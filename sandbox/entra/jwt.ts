import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify, randomUUID } from "node:crypto";

export type JwtClaims = Record<string, unknown> & { exp?: number; nbf?: number; iat?: number; iss?: string; aud?: string | string[]; sub?: string };

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: JwtClaims;
  signingInput: string;
  signature: Buffer;
}

/** An RS256 signing key with a key ID, as an identity provider publishes in its JWKS. */
export class SigningKey {
  readonly kid = randomUUID();
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;

  constructor() {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = createPrivateKey(pair.privateKey.export({ type: "pkcs8", format: "pem" }));
    this.publicKey = createPublicKey(pair.publicKey.export({ type: "spki", format: "pem" }));
  }

  sign(claims: JwtClaims, extraHeader: Record<string, unknown> = {}): string {
    return signJwt(claims, this.privateKey, { kid: this.kid, ...extraHeader });
  }

  jwk(): Record<string, unknown> {
    return { ...this.publicKey.export({ format: "jwk" }), kid: this.kid, use: "sig", alg: "RS256" };
  }
}

export function signJwt(claims: JwtClaims, key: KeyObject, extraHeader: Record<string, unknown> = {}): string {
  const header = { typ: "JWT", alg: "RS256", ...extraHeader };
  const signingInput = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`;
  const signature = sign("RSA-SHA256", Buffer.from(signingInput), key);
  return `${signingInput}.${signature.toString("base64url")}`;
}

/** Splits a compact JWT (RFC 7519 §7.2); returns undefined for anything that is not three base64url JSON object parts. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const header = jsonObject(parts[0]);
    const payload = jsonObject(parts[1]);
    if (!header || !payload) return undefined;
    return { header, claims: claimsOf(payload), signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], "base64url") };
  } catch {
    return undefined;
  }
}

function jsonObject(part: string): Record<string, unknown> | undefined {
  const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The payload as claims; a registered claim of the wrong JSON type (RFC 7519 §4.1) is left out, so readers see it absent. */
function claimsOf(payload: Record<string, unknown>): JwtClaims {
  const { exp, nbf, iat, iss, sub, aud, ...rest } = payload;
  const audiences = Array.isArray(aud) ? aud.filter((a): a is string => typeof a === "string") : [];
  return {
    ...rest,
    ...(typeof exp === "number" ? { exp } : {}),
    ...(typeof nbf === "number" ? { nbf } : {}),
    ...(typeof iat === "number" ? { iat } : {}),
    ...(typeof iss === "string" ? { iss } : {}),
    ...(typeof sub === "string" ? { sub } : {}),
    ...(typeof aud === "string" ? { aud } : Array.isArray(aud) && audiences.length === aud.length ? { aud: audiences } : {}),
  };
}

export function verifySignature(jwt: DecodedJwt, key: KeyObject): boolean {
  if (jwt.header.alg !== "RS256" && jwt.header.alg !== "PS256") return false;
  if (jwt.header.alg === "PS256") {
    return verify("RSA-SHA256", Buffer.from(jwt.signingInput), { key, padding: 6, saltLength: 32 }, jwt.signature);
  }
  return verify("RSA-SHA256", Buffer.from(jwt.signingInput), key, jwt.signature);
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function b64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
