import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { accessSync, constants, createWriteStream } from "node:fs";
import { constants as osConstants } from "node:os";
import { dirname } from "node:path";
import { straceArgs } from "./exec-trace";

/**
 * How a VM script runs on this machine: bash, as an unprivileged stand-in user when the sandbox runs as root
 * (setpriv, else runuser, to uid/gid 65534 "nobody"; as the sandbox's own user otherwise), under strace when it
 * works, with a clean environment, its text on stdin (never in argv, never on disk), stdout/stderr to files, and a
 * time limit that kills its whole process group.
 */

export const STANDARD_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
export const UNPRIVILEGED_ID = 65534;
/** Keeps the command text in a shell variable (not exported), gives the script /dev/null as stdin, runs it. */
const BOOTSTRAP = 'IFS= read -r -d "" __cse_command; exec 0</dev/null; eval "$__cse_command"';
const TAIL_BYTES = 4 * 1024;

export interface HostTools {
  /** The argv prefix that drops to the stand-in user, when the sandbox is root and can. */
  dropPrivileges?: string[];
  /** The uid/gid files a script must write are given to (the stand-in user's), when privileges are dropped. */
  runAs?: { uid: number; gid: number };
  strace?: { path: string; seccomp: boolean };
  /** PATH directories holding real commands (the standard ones plus Node's). */
  realPath: string[];
}

function executable(name: string): string | undefined {
  for (const dir of STANDARD_PATH) {
    try {
      accessSync(`${dir}/${name}`, constants.X_OK);
      return `${dir}/${name}`;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function straceWorks(path: string, seccomp: boolean): boolean {
  const result = spawnSync(path, [...straceArgs(path, seccomp, "/dev/null"), "/bin/true"], { stdio: "ignore", timeout: 10_000 });
  return result.status === 0;
}

let detected: HostTools | undefined;

/** What this machine offers, probed once per process. */
export function detectHostTools(): HostTools {
  if (detected) return detected;
  const realPath = [...STANDARD_PATH];
  if (!realPath.includes(dirname(process.execPath))) realPath.push(dirname(process.execPath));
  const tools: HostTools = { realPath };
  if (process.getuid?.() === 0) {
    const setpriv = executable("setpriv");
    const runuser = executable("runuser");
    const id = String(UNPRIVILEGED_ID);
    if (setpriv) tools.dropPrivileges = [setpriv, `--reuid=${id}`, `--regid=${id}`, "--clear-groups", "--"];
    else if (runuser) tools.dropPrivileges = [runuser, "-u", "nobody", "--"];
    if (tools.dropPrivileges) tools.runAs = { uid: UNPRIVILEGED_ID, gid: UNPRIVILEGED_ID };
  }
  const strace = executable("strace");
  if (strace && straceWorks(strace, true)) tools.strace = { path: strace, seccomp: true };
  else if (strace && straceWorks(strace, false)) tools.strace = { path: strace, seccomp: false };
  detected = tools;
  return tools;
}

export interface ProcessPlan {
  command: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  stdoutPath: string;
  stderrPath: string;
  /** Where strace writes (when the host has it). */
  straceLog?: string;
}

export interface ProcessOutcome {
  exitCode: number;
  timedOut: boolean;
  stdoutTail: string;
  stderrTail: string;
}

export interface RunningProcess {
  done: Promise<ProcessOutcome>;
  kill(): void;
}

function tailCollector(): { push(chunk: Buffer): void; text(): string } {
  let tail = Buffer.alloc(0);
  return {
    push(chunk) {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
    },
    text: () => tail.toString("utf8"),
  };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

export function launch(plan: ProcessPlan, tools: HostTools): RunningProcess {
  const argv = [...(plan.straceLog && tools.strace ? straceArgs(tools.strace.path, tools.strace.seccomp, plan.straceLog) : []), ...(tools.dropPrivileges ?? []), "/bin/bash", "-c", BOOTSTRAP];
  const child = spawn(argv[0], argv.slice(1), { cwd: plan.cwd, env: plan.env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
  const stdout = createWriteStream(plan.stdoutPath, { mode: 0o600 });
  const stderr = createWriteStream(plan.stderrPath, { mode: 0o600 });
  const outTail = tailCollector();
  const errTail = tailCollector();
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout.write(chunk);
    outTail.push(chunk);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr.write(chunk);
    errTail.push(chunk);
  });
  child.stdin?.on("error", () => undefined);
  child.stdin?.end(plan.command);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child);
  }, plan.timeoutMs);
  const done = new Promise<ProcessOutcome>((resolve) => {
    let finished = false;
    const finish = (exitCode: number) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      let open = 2;
      const closed = () => {
        if (--open === 0) resolve({ exitCode, timedOut, stdoutTail: outTail.text(), stderrTail: errTail.text() });
      };
      stdout.end(closed);
      stderr.end(closed);
    };
    child.once("error", (error) => {
      errTail.push(Buffer.from(`${error.message}\n`));
      finish(127);
    });
    child.once("close", (code, signal) => finish(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
  });
  return { done, kill: () => killGroup(child) };
}
