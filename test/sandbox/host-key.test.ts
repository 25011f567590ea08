import assert from "node:assert/strict";
import { utils } from "ssh2";
import { generateHostKey } from "../../sandbox/ssh/host-key";

describe("sandbox/ssh host keys", () => {
  // ssh2's ed25519 generator writes about 1 key in 300 that its own parser refuses; 1,500 keys catch that with
  // near certainty (1 - (299/300)^1500 > 99%), which is what killed a sandbox at start with "Malformed OpenSSH private key".
  it("every generated host key parses, and its fingerprint is the SHA-256 of its public blob", () => {
    for (let i = 0; i < 1500; i++) {
      const key = generateHostKey();
      const parsed = utils.parseKey(key.privateKey);
      assert.ok(!(parsed instanceof Error), `key ${i} does not parse: ${parsed instanceof Error ? parsed.message : ""}`);
      assert.match(key.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
    }
  });
});
