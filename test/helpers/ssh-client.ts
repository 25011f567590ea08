import { Client, utils, type ClientChannel, type ConnectConfig } from "ssh2";

/** What tests do with ssh2's Client against the sandbox: connect with a pinned host key, forward, run commands. */

export interface KeyPair {
  privateKey: string;
  /** "ssh-ed25519 AAAA... comment", as osProfile's publicKeys take it. */
  publicKey: string;
}

export function newKeyPair(comment: string): KeyPair {
  // About 1 in 300 ed25519 keys from ssh2's generator fail its own parser (sandbox/ssh/host-key.ts): skip those.
  for (;;) {
    const pair = utils.generateKeyPairSync("ed25519", { comment });
    if (!(utils.parseKey(pair.private) instanceof Error)) return { privateKey: pair.private, publicKey: pair.public };
  }
}

export { pinnedHostKey as pinnedTo } from "../../provisioner/bootstrap/ssh/ssh-connection";

/** Resolves once authenticated; rejects with the client's error (host key refused, authentication failed...). */
export function connectSsh(config: ConnectConfig): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once("ready", () => resolve(client));
    client.once("error", reject);
    client.connect({ readyTimeout: 10_000, ...config });
  });
}

export function forwardOut(client: Client, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => client.forwardOut("127.0.0.1", 0, host, port, (error, channel) => (error ? reject(error) : resolve(channel))));
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | undefined;
}

/** Runs `command`, writes `stdin` (then EOF), and collects its output and exit status. */
export function execSsh(client: Client, command: string, stdin = "", options: { env?: Record<string, string> } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, { env: options.env }, (error, channel) => {
      if (error) return reject(error);
      let stdout = "";
      let stderr = "";
      let code: number | undefined;
      channel.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
      channel.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      channel.on("exit", (status: number | null) => (code = status ?? undefined));
      channel.on("close", () => resolve({ stdout, stderr, code }));
      channel.end(stdin);
    });
  });
}

/** Parses cloud-init's host key block out of a serial console log: the keys, and the fingerprint lines' fields. */
export function hostKeysInSerialLog(log: string): { keys: string[]; fingerprints: string[] } {
  const lines = log.split("\n");
  const block = (name: string) => {
    const start = lines.findIndex((l) => l.endsWith(`-----BEGIN SSH HOST KEY ${name}-----`));
    const end = lines.findIndex((l, i) => i > start && l.endsWith(`-----END SSH HOST KEY ${name}-----`));
    return start < 0 || end < 0 ? [] : lines.slice(start + 1, end);
  };
  // The fingerprint lines went through logger: "<14>Jun  3 17:07:52 ec2: 256 SHA256:... root@vm (ED25519)".
  return { keys: block("KEYS"), fingerprints: block("FINGERPRINTS").map((l) => l.replace(/^<\d+>.*? ec2: /, "")) };
}
