import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { utils, type ParsedKey } from "ssh2";
import type { ProvisionerEnvironment, SshConfig } from "./config-types";

export interface RawSshConfig {
  jumpHost?: string;
  jumpHostKey?: string;
  jumpUser?: string;
  privateKeyFile?: string;
}

interface VmKey {
  adminUser: string;
  /** The public key line the VMs authorize. */
  publicKey: string;
  publicKeyFile: string;
  configDir: string;
}

function parseHostPort(text: string, fail: (message: string) => never): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text.trim());
  const port = Number(match?.[3] ?? 22);
  if (!match || port < 1 || port > 65535) fail(`ssh.jumpHost '${text}' is not host[:port]; write e.g. jump.contoso.internal:22 or 127.0.0.1:2222`);
  return { host: match[1] ?? match[2], port };
}

function keyBlob(line: string): string {
  return line.trim().split(/\s+/)[1] ?? "";
}

/** bootstrap: ssh — the jump host, its pinned key, and the private key matching the VMs' public key. */
export function resolveSsh(raw: RawSshConfig, vm: VmKey, env: ProvisionerEnvironment, fail: (message: string) => never): SshConfig {
  const jumpHostText = env.sshJumpHost || raw.jumpHost;
  if (!jumpHostText)
    fail("bootstrap: ssh needs a jump host: set ssh.jumpHost (host[:port] of a jump VM, or of an 'az network bastion tunnel') or AMLVNET_SSH_JUMP_HOST");
  const jumpHostKey = (env.sshJumpHostKey || raw.jumpHostKey || "").trim();
  if (!jumpHostKey) {
    fail(
      "bootstrap: ssh needs the jump host's key, which is pinned and never accepted blindly: set ssh.jumpHostKey (or AMLVNET_SSH_JUMP_HOST_KEY) to its 'ssh-ed25519 AAAA…' line, from its boot diagnostics or ssh-keyscan on a trusted network",
    );
  }
  const parsedHostKey = utils.parseKey(jumpHostKey);
  if (parsedHostKey instanceof Error || Array.isArray(parsedHostKey) || parsedHostKey.isPrivateKey()) {
    fail("ssh.jumpHostKey is not an OpenSSH public key line; write it as 'ssh-ed25519 AAAA…' (the key type and the base64 key)");
  }
  const keyFile = raw.privateKeyFile ?? vm.publicKeyFile.replace(/\.pub$/, "");
  const which = raw.privateKeyFile ? "ssh.privateKeyFile" : "the private key next to vm.sshPublicKeyFile";
  let privateKey = "";
  try {
    privateKey = readFileSync(resolve(vm.configDir, keyFile), "utf8");
  } catch (error) {
    fail(
      `${which} '${keyFile}' cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}; it is resolved from the config file's folder); set ssh.privateKeyFile to the key matching vm.sshPublicKeyFile`,
    );
  }
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    fail(
      encrypted
        ? `${which} '${keyFile}' is encrypted: amlvnet takes no passphrase; use a deployment key without one, kept where only the pipeline can read it`
        : `${which} '${keyFile}' is not a private key ssh2 can read (${parsed.message})`,
    );
  }
  const key: ParsedKey = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
  if (!key.isPrivateKey()) fail(`${which} '${keyFile}' holds a public key; point it at the private key`);
  if (key.getPublicSSH().toString("base64") !== keyBlob(vm.publicKey)) {
    fail(`${which} '${keyFile}' does not match vm.sshPublicKeyFile '${vm.publicKeyFile}': the VMs would refuse it; give the pair's private key`);
  }
  return { jumpHost: parseHostPort(jumpHostText, fail), jumpHostKey, jumpUser: raw.jumpUser ?? vm.adminUser, privateKey };
}
