import assert from "node:assert/strict";
import { redactBody, REDACTED } from "../../sandbox/http/request-log";

describe("request log: secret-bearing fields never reach the log", () => {
  it("redacts protectedSettings, passwords, client secrets and tokens at any depth, and keeps the rest", () => {
    const body = {
      location: "westeurope",
      properties: {
        publisher: "Microsoft.Azure.Extensions",
        settings: { fileUris: [] },
        protectedSettings: { commandToExecute: "exec bash 3<<'END'\nthe-pat\nEND" },
        osProfile: { adminUsername: "azureuser", adminPassword: "P@ssw0rd!", linuxConfiguration: { ssh: { publicKeys: [{ keyData: "ssh-ed25519 AAAA" }] } } },
      },
      credentials: [{ clientSecret: "s3cr3t", token: "eyJ" }],
    };
    const logged = JSON.parse(redactBody(JSON.stringify(body)));
    assert.equal(logged.properties.protectedSettings, REDACTED);
    assert.equal(logged.properties.osProfile.adminPassword, REDACTED);
    assert.deepEqual(logged.credentials, [{ clientSecret: REDACTED, token: REDACTED }]);
    assert.equal(logged.properties.osProfile.linuxConfiguration.ssh.publicKeys[0].keyData, "ssh-ed25519 AAAA");
    assert.deepEqual([logged.location, logged.properties.publisher], ["westeurope", "Microsoft.Azure.Extensions"]);
  });

  it("replaces known secret values wherever they still appear, JSON or not", () => {
    const pat = "jfo2ej7efzo5pk_imzb6jarbvkkhq03jzbqr8eeemjfwer_psul0";
    assert.equal(redactBody(`grant_type=x&pat=${pat}`, [pat]), `grant_type=x&pat=${REDACTED}`);
    assert.ok(!redactBody(JSON.stringify({ properties: { script: `echo ${pat}` } }), [pat]).includes(pat));
  });
});
