import { spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import dns from "node:dns";
import { existsSync } from "node:fs";

export const DNSMASQ = "/usr/sbin/dnsmasq";

export interface DnsmasqOptions {
  /** A records dnsmasq serves: [name, IPv4]. The first one is queried to know the server is up. */
  hostRecords: Array<[name: string, ip: string]>;
  /** Domains dnsmasq answers alone: names in them without a record get NXDOMAIN (it has no upstream anyway). */
  localDomains?: string[];
}

export interface RunningDnsmasq {
  port: number;
  /** "127.0.0.1:PORT", the form `--dns-server` and `Resolver#setServers` take. */
  address: string;
  stop(): Promise<void>;
}

/** Starts a real dnsmasq on a free loopback UDP port and waits until it answers for the first host record. */
export async function startDnsmasq(options: DnsmasqOptions): Promise<RunningDnsmasq> {
  if (!existsSync(DNSMASQ)) throw new Error(`${DNSMASQ} is missing: install it with 'apt-get install -y dnsmasq-base'`);
  if (options.hostRecords.length === 0) throw new Error("startDnsmasq needs at least one host record to wait for");
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeUdpPort();
    const child = spawnDnsmasq(port, options);
    try {
      await waitUntilAnswering(child, port, options.hostRecords[0]);
      return { port, address: `127.0.0.1:${port}`, stop: () => stopChild(child) };
    } catch (error) {
      lastError = error as Error;
      await stopChild(child);
    }
  }
  throw new Error(`dnsmasq did not start: ${lastError?.message}`);
}

function spawnDnsmasq(port: number, options: DnsmasqOptions): ChildProcess {
  const args = [
    `--port=${port}`,
    "--listen-address=127.0.0.1",
    "--bind-interfaces",
    "--no-resolv",
    "--no-hosts",
    "--no-daemon",
    "--conf-file=/dev/null",
    "--pid-file=",
    ...options.hostRecords.map(([name, ip]) => `--host-record=${name},${ip}`),
    ...(options.localDomains ?? []).map((domain) => `--local=/${domain}/`),
  ];
  // As root dnsmasq drops to user "nobody" by default; keep the current user so it needs no other setup.
  if (process.getuid?.() === 0) args.push("--user=root", "--group=root");
  const child = spawn(DNSMASQ, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  child.once("exit", (code) => child.emit("dnsmasq-exit", new Error(`dnsmasq exited with ${code}: ${stderr.trim()}`)));
  return child;
}

async function waitUntilAnswering(child: ChildProcess, port: number, [name, ip]: [string, string]): Promise<void> {
  let exited: Error | undefined;
  child.once("dnsmasq-exit", (error: Error) => (exited = error));
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (exited) throw exited;
    const resolver = new dns.promises.Resolver({ timeout: 200, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    const answer = await resolver.resolve4(name).catch((): string[] => []);
    if (answer.includes(ip)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw exited ?? new Error(`dnsmasq on 127.0.0.1:${port} did not answer for ${name} within 5 s`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** A UDP port free on 127.0.0.1 right now (dnsmasq may still lose a race for it; the caller retries). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
