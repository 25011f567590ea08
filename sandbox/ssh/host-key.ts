import { createHash } from "node:crypto";
import { utils } from "ssh2";

/** An SSH host key: the private key a server presents, and the public key and fingerprint a client pins. */
export interface HostKey {
  /** OpenSSH private key PEM, for ssh2's Server `hostKeys`. */
  privateKey: string;
  /** "ssh-ed25519 AAAA..." without a comment, the form of known_hosts entries. */
  publicKey: string;
  /** "SHA256:<base64 without padding>", as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

export function generateHostKey(): HostKey {
  // About 1 in 300 ed25519 keys from ssh2's generator fail its own parser ("Malformed OpenSSH private key", measured
  // 10 in 3,000), which killed a sandbox at start now and then: keep only a key that parses.
  for (let attempt = 1; ; attempt++) {
    const pair = utils.generateKeyPairSync("ed25519");
    if (utils.parseKey(pair.private) instanceof Error && attempt < 10) continue;
    const [type, blob] = pair.public.split(" ");
    return { privateKey: pair.private, publicKey: `${type} ${blob}`, fingerprint: fingerprintOf(blob) };
  }
}

export function fingerprintOf(base64Blob: string): string {
  return `SHA256:${createHash("sha256").update(Buffer.from(base64Blob, "base64")).digest("base64").replace(/=+$/, "")}`;
}
