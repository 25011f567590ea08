import { writeFileSync } from "node:fs";
import { get } from "node:https";
import { basename, join } from "node:path";
import { CseError, parseCseSettings } from "./cse-settings";
import { rootUser, vmEnvironment, type VmProcessContext } from "./vm-environment";
import { launch, RunningProcess } from "./vm-process";
import type { VmTarget } from "./vm-files";

/**
 * One Custom Script "enable" on one VM, as the Linux extension does it (Azure/custom-script-extension-linux
 * main/cmds.go): read the settings, download fileUris into download/<seq>/, run the command there, and report
 * "Enable succeeded|failed: ..." with the last 4 KiB of stdout and stderr. fileUris must be on the sandbox's own
 * origin: a sandbox VM reaches nothing else.
 */

export interface ExtensionSpec {
  name: string;
  publisher: string;
  type: string;
  typeHandlerVersion: string;
  /** Public and protected settings as the PUT sent them (cse-settings.ts narrows them). */
  settings: unknown;
  protectedSettings: unknown;
  /** A new value makes an unchanged configuration run again, as on Azure. */
  forceUpdateTag?: unknown;
}

export interface RunResult {
  ok: boolean;
  timedOut: boolean;
  /** The extension's status message ("Enable succeeded: \n[stdout]\n...", "Enable failed: ..."). */
  message: string;
  stdout: string;
  stderr: string;
  exitCode?: number;
}

export interface RunContext extends VmProcessContext {
  caPem: string;
  timeoutMs: number;
}

function failure(message: string, extra: Partial<RunResult> = {}): RunResult {
  return { ok: false, timedOut: false, message: `Enable failed: ${message}`, stdout: "", stderr: "", ...extra };
}

function fetchOnce(url: string, caPem: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { ca: caPem, timeout: 30_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error("timeout awaiting response")));
    request.on("error", reject);
  });
}

/** Downloads one file with the extension's retries (transport errors and 5xx/429); throws the reason. */
async function download(uri: string, ctx: RunContext, dir: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error(`'${uri}' is not a URL`);
  }
  const allowed = new URL(ctx.origin);
  const local = url.protocol === allowed.protocol && url.port === allowed.port && ["127.0.0.1", "localhost"].includes(url.hostname);
  if (!local)
    throw new Error(`a sandbox VM can only download from the sandbox (${ctx.origin}); '${uri}' is elsewhere: serve the file from the sandbox instead`);
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetchOnce(url.href, ctx.caPem);
      if (response.status === 200) {
        const target = join(dir, basename(decodeURIComponent(url.pathname)) || "download");
        writeFileSync(target, response.body, { mode: 0o500 });
        ctx.files.give(target);
        return target;
      }
      if (attempt >= 4 || !(response.status >= 500 || response.status === 429))
        throw new Error(`http request failed: ${url.href}: unexpected status code: got=${response.status} expected=200`);
    } catch (error) {
      if (attempt >= 4) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
}

/** Runs the extension; `started` receives the process so the caller can kill it (VM deleted, sandbox closed). */
export async function runExtension(
  ctx: RunContext,
  target: VmTarget,
  extension: ExtensionSpec,
  seq: number,
  started: (process: RunningProcess) => void,
): Promise<RunResult> {
  let config;
  try {
    config = parseCseSettings(extension.settings, extension.protectedSettings);
  } catch (error) {
    if (error instanceof CseError) return failure(error.message);
    throw error;
  }
  const paths = ctx.files.prepare(target, seq, ctx.caPem);
  for (const [index, uri] of config.fileUris.entries()) {
    try {
      await download(uri, ctx, paths.downloadDir);
    } catch (error) {
      return failure(`processing file downloads failed: failed to download file[${index}]: ${(error as Error).message}`);
    }
  }
  const traceLog = ctx.files.traceLog(target);
  const running = launch(
    {
      command: config.command,
      cwd: paths.downloadDir,
      // Azure runs extensions as root.
      env: { ...vmEnvironment(ctx, target, paths, rootUser(paths.vmDir), traceLog), ConfigSequenceNumber: String(seq) },
      timeoutMs: ctx.timeoutMs,
      stdout: join(paths.downloadDir, "stdout"),
      stderr: join(paths.downloadDir, "stderr"),
      straceLog: ctx.tools.strace ? traceLog : undefined,
    },
    ctx.tools,
  );
  started(running);
  const outcome = await running.done;
  const streams = `\n[stdout]\n${outcome.stdoutTail}\n[stderr]\n${outcome.stderrTail}`;
  const output = { stdout: outcome.stdoutTail, stderr: outcome.stderrTail, exitCode: outcome.exitCode };
  if (outcome.timedOut) return { ok: false, timedOut: true, message: "Enable in progress", ...output };
  if (outcome.exitCode === 0) return { ok: true, timedOut: false, message: `Enable succeeded: ${streams}`, ...output };
  return failure(`failed to execute command: command terminated with exit status=${outcome.exitCode}${streams}`, output);
}
