import { Client, type ClientChannel, type ConnectConfig } from "ssh2";

const READY_TIMEOUT_MS = 20_000;
const OUTPUT_TAIL_BYTES = 4096;

/** Where to log in, and the one host key that end may present ("ssh-ed25519 AAAA…"). */
export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  hostKey: string;
  /** How the end is named in errors, e.g. "the jump host 10.0.0.4:22" or "vm-aml-private-1". */
  label: string;
  /** Where the pinned key came from, for the error that says it did not match. */
  keySource: string;
}

export class SshError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SshError";
  }
}

/** A hostVerifier that accepts only `hostKey` ("ssh-ed25519 AAAA..."), compared as the raw key blob. */
export function pinnedHostKey(hostKey: string): (key: Buffer) => boolean {
  const blob = Buffer.from(hostKey.trim().split(/\s+/)[1] ?? "", "base64");
  return (key) => blob.length > 0 && key.equals(blob);
}

function explain(error: Error & { level?: string }, end: SshEndpoint): SshError {
  if (/verification failed/i.test(error.message)) {
    return new SshError(
      `${end.label} presented a host key other than ${end.keySource}: refusing to connect (if the key really changed, confirm it out of band and update it)`,
    );
  }
  if (error.level === "client-authentication")
    return new SshError(`${end.label} refused the key for user ${end.user} (check that ${end.user} authorizes the public key of ssh.privateKeyFile)`);
  return new SshError(`cannot reach ${end.label} over SSH: ${error.message}`);
}

/** Logs in with a pinned host key (never accepted blindly); `sock` carries the connection through a jump host. */
export function connect(end: SshEndpoint, privateKey: string, sock?: ClientChannel): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const config: ConnectConfig = {
      host: end.host,
      port: end.port,
      username: end.user,
      privateKey,
      hostVerifier: pinnedHostKey(end.hostKey),
      readyTimeout: READY_TIMEOUT_MS,
      ...(sock ? { sock } : {}),
    };
    client.once("ready", () => resolve(client));
    client.once("error", (error) => reject(explain(error, end)));
    client.connect(config);
  });
}

/** A TCP stream from the jump host to host:port (the `ssh -J` way). */
export function forward(jump: Client, host: string, port: number, label: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) =>
    jump.forwardOut("127.0.0.1", 0, host, port, (error, channel) =>
      error ? reject(new SshError(`the jump host could not open a connection to ${label} (${host}:${port}): ${error.message}`)) : resolve(channel),
    ),
  );
}

export interface ExecOutcome {
  code: number | undefined;
  signal?: string;
  stdoutTail: string;
  stderrTail: string;
}

function tail(buffer: string): string {
  return buffer.length > OUTPUT_TAIL_BYTES ? buffer.slice(-OUTPUT_TAIL_BYTES) : buffer;
}

/** Runs `command`, writes `stdin` then EOF (the way secrets reach it: no argv, no file), waits for its exit. */
export function exec(client: Client, command: string, stdin: string, signal?: AbortSignal): Promise<ExecOutcome> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(new SshError(`the SSH server refused to run the agent script: ${error.message}`));
      let stdout = "";
      let stderr = "";
      let code: number | undefined;
      let exitSignal: string | undefined;
      const abort = () => channel.close();
      signal?.addEventListener("abort", abort, { once: true });
      channel.on("data", (chunk: Buffer) => (stdout = tail(stdout + chunk.toString("utf8"))));
      channel.stderr.on("data", (chunk: Buffer) => (stderr = tail(stderr + chunk.toString("utf8"))));
      channel.on("exit", (status: number | null, name?: string) => {
        code = status ?? undefined;
        exitSignal = name ?? undefined;
      });
      channel.on("close", () => {
        signal?.removeEventListener("abort", abort);
        if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
        resolve({ code, signal: exitSignal, stdoutTail: stdout, stderrTail: stderr });
      });
      channel.end(stdin);
    });
  });
}
