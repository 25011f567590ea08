import assert from "node:assert/strict";
import { utils, type ParsedKey, type PublicKeyAuthContext } from "ssh2";
import { offersAuthorizedKey } from "../../sandbox/ssh/public-key-auth";
import { newKeyPair } from "../helpers/ssh-client";

describe("sandbox SSH: publickey authentication checks the signature, not only the key offered", () => {
  const pair = newKeyPair("admin@laptop");
  const privateKey = utils.parseKey(pair.privateKey) as ParsedKey;
  const offered = { algo: "ssh-ed25519", data: (utils.parseKey(pair.publicKey) as ParsedKey).getPublicSSH() };
  const signedData = Buffer.from("session identifier and userauth request");
  const request = (signature?: Buffer) =>
    ({ method: "publickey", username: "azureuser", key: offered, blob: signature && signedData, signature }) as unknown as PublicKeyAuthContext;

  it("accepts an authorized key's query (no signature yet) and its valid signature", () => {
    assert.equal(offersAuthorizedKey(request(), [pair.publicKey]), true);
    assert.equal(offersAuthorizedKey(request(privateKey.sign(signedData)), [newKeyPair("other").publicKey, pair.publicKey]), true);
  });

  it("refuses a forged signature, a signature over other data, and a key that is not authorized", () => {
    assert.equal(offersAuthorizedKey(request(Buffer.alloc(64, 1)), [pair.publicKey]), false);
    assert.equal(offersAuthorizedKey(request(privateKey.sign(Buffer.from("something else"))), [pair.publicKey]), false);
    assert.equal(offersAuthorizedKey(request(privateKey.sign(signedData)), [newKeyPair("other").publicKey]), false);
    assert.equal(offersAuthorizedKey(request(), ["not a key"]), false);
  });
});
