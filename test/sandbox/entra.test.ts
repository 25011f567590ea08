import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, EnvironmentCredential } from "@azure/identity";
import { signJwt } from "../../sandbox/entra/jwt";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { registerCertificate } from "../helpers/certificates";
import { startTestSandbox } from "../helpers/sandbox-harness";

const ARM_SCOPE = "https://management.azure.com/.default";

describe("sandbox: Microsoft Entra ID through @azure/identity", () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(() => sandbox.close());

  const options = () => ({ authorityHost: sandbox.env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true });

  it("issues an ARM token to ClientSecretCredential with the sandbox secret", async () => {
    const credential = new ClientSecretCredential(sandbox.env.AZURE_TENANT_ID, sandbox.env.AZURE_CLIENT_ID, sandbox.env.AZURE_CLIENT_SECRET, options());
    const token = await credential.getToken(ARM_SCOPE);
    const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString());
    assert.equal(claims.aud, "https://management.azure.com/");
    assert.equal(claims.tid, sandbox.env.AZURE_TENANT_ID);
    assert.ok(token.expiresOnTimestamp > Date.now() + 50 * 60 * 1000);
  });

  it("works for EnvironmentCredential from the exported env alone", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, sandbox.env);
    try {
      const token = await new EnvironmentCredential({ disableInstanceDiscovery: true }).getToken(ARM_SCOPE);
      assert.ok(token.token.length > 100);
    } finally {
      for (const key of Object.keys(sandbox.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it("refuses a wrong secret with AADSTS7000215", async () => {
    const credential = new ClientSecretCredential(sandbox.env.AZURE_TENANT_ID, sandbox.env.AZURE_CLIENT_ID, "not-the-secret", options());
    await assert.rejects(credential.getToken(ARM_SCOPE), /AADSTS7000215/);
  });

  it("answers an unknown tenant with AADSTS90002, which MSAL reports as an endpoint resolution error", async () => {
    const unknown = "11111111-2222-3333-4444-555555555555";
    const response = await fetch(`${sandbox.origin}/${unknown}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: sandbox.env.AZURE_CLIENT_ID, client_secret: "x", scope: ARM_SCOPE }),
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: string; error_codes: number[]; error_description: string };
    assert.deepEqual([body.error, body.error_codes], ["invalid_tenant", [90002]]);
    assert.match(body.error_description, /^AADSTS90002: Tenant '11111111-2222-3333-4444-555555555555' not found/);
    const credential = new ClientSecretCredential(unknown, sandbox.env.AZURE_CLIENT_ID, sandbox.env.AZURE_CLIENT_SECRET, options());
    await assert.rejects(credential.getToken(ARM_SCOPE), /endpoints_resolution_error/);
  });

  it("reports an expired secret as AADSTS7000222", async () => {
    sandbox.directory.defaultApp.secrets[0].expired = true;
    try {
      const credential = new ClientSecretCredential(sandbox.env.AZURE_TENANT_ID, sandbox.env.AZURE_CLIENT_ID, sandbox.env.AZURE_CLIENT_SECRET, options());
      await assert.rejects(credential.getToken(ARM_SCOPE), /AADSTS7000222/);
    } finally {
      sandbox.directory.defaultApp.secrets[0].expired = false;
    }
  });

  it("accepts a federated client assertion from a trusted issuer and refuses an unknown subject", async () => {
    const issuer = "https://vstoken.dev.azure.com/test-org";
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    sandbox.authority.trustIssuer(issuer, publicKey);
    sandbox.directory.defaultApp.federatedCredentials.push({
      issuer,
      subject: "sc://org/project/ml-prod-connection",
      audiences: ["api://AzureADTokenExchange"],
    });
    const assertionFor = (subject: string) => async () => {
      const now = Math.floor(Date.now() / 1000);
      return signJwt({ iss: issuer, sub: subject, aud: "api://AzureADTokenExchange", iat: now, nbf: now, exp: now + 600 }, privateKey);
    };
    const good = new ClientAssertionCredential(
      sandbox.env.AZURE_TENANT_ID,
      sandbox.env.AZURE_CLIENT_ID,
      assertionFor("sc://org/project/ml-prod-connection"),
      options(),
    );
    assert.ok((await good.getToken(ARM_SCOPE)).token);
    const bad = new ClientAssertionCredential(sandbox.env.AZURE_TENANT_ID, sandbox.env.AZURE_CLIENT_ID, assertionFor("sc://org/project/other"), options());
    await assert.rejects(bad.getToken(ARM_SCOPE), /AADSTS700213/);
  });

  it("accepts a certificate-signed assertion from ClientCertificateCredential", async () => {
    const pem = registerCertificate(sandbox.directory.defaultApp);
    const credential = new ClientCertificateCredential(sandbox.env.AZURE_TENANT_ID, sandbox.env.AZURE_CLIENT_ID, { certificate: pem }, options());
    assert.ok((await credential.getToken(ARM_SCOPE)).token);
  });
});
