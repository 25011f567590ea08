import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { accessSync, constants, createWriteStream } from "node:fs";
import { constants as osConstants } from "node:os";
import { dirname } from "node:path";
import type { Readable, Writable } from "node:stream";
import { straceArgs } from "./exec-trace";

/**
 * How a VM script runs on this machine: bash, as an unprivileged stand-in user when the sandbox runs as root
 * (setpriv, else runuser, to uid/gid 65534 "nobody"; as the sandbox's own user otherwise), under strace when it
 * works, with a clean environment, its text on stdin (never in argv, never on disk), stdout/stderr to files (a Custom
 * Script) or streams (an SSH channel), and a time limit that kills its whole process group.
 */

export const STANDARD_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
export const UNPRIVILEGED_ID = 65534;
/** Keeps the command text in a shell variable (not exported), gives the script /dev/null as stdin, runs it. */
const BOOTSTRAP = 'IFS= read -r -d "" __cse_command; exec 0</dev/null; eval "$__cse_command"';
/**
 * The same, leaving the rest of stdin to the script: the text ends at a NUL, and bash's `read` takes a pipe byte by
 * byte, so what follows the NUL (an SSH channel's data) is the script's stdin.
 */
const BOOTSTRAP_KEEPING_STDIN = 'IFS= read -r -d "" __cse_command; eval "$__cse_command"';
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
  /** Without one the process runs until it ends or is killed. */
  timeoutMs?: number;
  /** A file path (created, then closed at the end) or a stream the caller owns (written to, never ended). */
  stdout: string | Writable;
  stderr: string | Writable;
  /** Piped to the script's stdin after its text (an SSH channel); without it the script reads /dev/null. */
  stdin?: Readable;
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

/** Where one output stream goes; `close` ends a file the plan named (never a caller's stream). */
function outputSink(target: string | Writable): { stream: Writable; close(done: () => void): void } {
  if (typeof target !== "string") return { stream: target, close: (done) => done() };
  const file = createWriteStream(target, { mode: 0o600 });
  return { stream: file, close: (done) => file.end(done) };
}

export function launch(plan: ProcessPlan, tools: HostTools): RunningProcess {
  const bootstrap = plan.stdin ? BOOTSTRAP_KEEPING_STDIN : BOOTSTRAP;
  const argv = [
    ...(plan.straceLog && tools.strace ? straceArgs(tools.strace.path, tools.strace.seccomp, plan.straceLog) : []),
    ...(tools.dropPrivileges ?? []),
    "/bin/bash",
    "-c",
    bootstrap,
  ];
  const child = spawn(argv[0], argv.slice(1), { cwd: plan.cwd, env: plan.env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
  const stdout = outputSink(plan.stdout);
  const stderr = outputSink(plan.stderr);
  const outTail = tailCollector();
  const errTail = tailCollector();
  child.stdout?.on("data", (chunk: Buffer) => outTail.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => errTail.push(chunk));
  child.stdout?.pipe(stdout.stream, { end: false });
  child.stderr?.pipe(stderr.stream, { end: false });
  child.stdin?.on("error", () => undefined);
  if (plan.stdin) {
    child.stdin?.write(`${plan.command}\0`);
    if (child.stdin) plan.stdin.pipe(child.stdin);
  } else {
    child.stdin?.end(plan.command);
  }
  let timedOut = false;
  const timer =
    plan.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          killGroup(child);
        }, plan.timeoutMs);
  const done = new Promise<ProcessOutcome>((resolve) => {
    let finished = false;
    const finish = (exitCode: number) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (child.stdin) plan.stdin?.unpipe(child.stdin);
      let open = 2;
      const closed = () => {
        if (--open === 0) resolve({ exitCode, timedOut, stdoutTail: outTail.text(), stderrTail: errTail.text() });
      };
      stdout.close(closed);
      stderr.close(closed);
    };
    child.once("error", (error) => {
      errTail.push(Buffer.from(`${error.message}\n`));
      finish(127);
    });
    child.once("close", (code, signal) => finish(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
  });
  return { done, kill: () => killGroup(child) };
}
