import { createPrivateKey, createSign, generateKeyPairSync, randomUUID } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What a configured agent keeps in its root, in the real agent's formats: `.agent` (settings), `.credentials`
 * (the OAuth client the server registered, never the PAT) and `.credentials_rsaparams` (the RSA key whose public
 * half the server holds), both 0600.
 */

export interface AgentSettings {
  agentId: number;
  agentName: string;
  poolId: number;
  poolName: string;
  serverUrl: string;
  workFolder: string;
}

export interface CredentialData {
  scheme: "OAuth";
  data: { clientId: string; authorizationUrl: string; oauthEndpointUrl: string };
}

/** RSAParameters as the agent serializes them (base64 fields). */
interface RsaParameters {
  d: string;
  dp: string;
  dq: string;
  exponent: string;
  inverseQ: string;
  modulus: string;
  p: string;
  q: string;
}

export const FILES = { settings: ".agent", credentials: ".credentials", rsa: ".credentials_rsaparams", service: ".service", session: ".session" } as const;

export function readJson<T>(root: string, name: string): T | undefined {
  const path = join(root, name);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : undefined;
}

export function writeJson(root: string, name: string, value: unknown, mode = 0o644): void {
  writeFileSync(join(root, name), JSON.stringify(value, null, 2), { mode });
}

export function remove(root: string, name: string): boolean {
  const path = join(root, name);
  if (!existsSync(path)) return false;
  rmSync(path, { force: true });
  return true;
}

const b64 = (urlSafe: string | undefined) => Buffer.from(urlSafe ?? "", "base64url").toString("base64");
const b64url = (standard: string) => Buffer.from(standard, "base64").toString("base64url");

/** Creates the agent's key pair, saves the private key and returns the public key as TaskAgentPublicKey. */
export function createAgentKey(root: string): { exponent: string; modulus: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  const parameters: RsaParameters = {
    d: b64(jwk.d),
    dp: b64(jwk.dp),
    dq: b64(jwk.dq),
    exponent: b64(jwk.e),
    inverseQ: b64(jwk.qi),
    modulus: b64(jwk.n),
    p: b64(jwk.p),
    q: b64(jwk.q),
  };
  writeJson(root, FILES.rsa, parameters, 0o600);
  return { exponent: parameters.exponent, modulus: parameters.modulus };
}

/** The client assertion the agent signs to get an access token (RS256 JWT, five minutes). */
export function clientAssertion(root: string, clientId: string, audience: string): string {
  const parameters = readJson<RsaParameters>(root, FILES.rsa);
  if (!parameters) throw new Error(`RSA key file ${join(root, FILES.rsa)} was not found`);
  const key = createPrivateKey({
    key: {
      kty: "RSA",
      n: b64url(parameters.modulus),
      e: b64url(parameters.exponent),
      d: b64url(parameters.d),
      p: b64url(parameters.p),
      q: b64url(parameters.q),
      dp: b64url(parameters.dp),
      dq: b64url(parameters.dq),
      qi: b64url(parameters.inverseQ),
    },
    format: "jwk",
  });
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ typ: "JWT", alg: "RS256" })}.${encode({ sub: clientId, iss: clientId, aud: audience, jti: randomUUID(), nbf: now - 30, iat: now, exp: now + 300 })}`;
  const signature = createSign("RSA-SHA256").update(unsigned).sign(key).toString("base64url");
  return `${unsigned}.${signature}`;
}

/** `{0:u}` in .NET: "2024-05-01 12:00:00Z", the agent's timestamp format. */
export function utcStamp(date = new Date()): string {
  return date
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}
