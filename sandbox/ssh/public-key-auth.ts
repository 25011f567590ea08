import { timingSafeEqual } from "node:crypto";
import { utils, type PublicKeyAuthContext } from "ssh2";

/**
 * Whether a `publickey` request offers one of `authorizedKeys` (OpenSSH public key lines, as in
 * osProfile.linuxConfiguration.ssh.publicKeys[].keyData) and, when it carries a signature, whether that signature
 * verifies with the key. A request without a signature only asks whether the key would do: accepting it makes ssh2
 * answer PK_OK, and the client must then sign.
 */
export function offersAuthorizedKey(ctx: PublicKeyAuthContext, authorizedKeys: string[]): boolean {
  for (const line of authorizedKeys) {
    const key = utils.parseKey(line);
    if (key instanceof Error) continue;
    const blob = key.getPublicSSH();
    if (key.type !== ctx.key.algo || blob.length !== ctx.key.data.length || !timingSafeEqual(blob, ctx.key.data)) continue;
    if (ctx.signature === undefined) return true;
    return ctx.blob !== undefined && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true;
  }
  return false;
}
