import { spawn } from "node:child_process";
import { once } from "node:events";
import type { RunningSandbox } from "../../sandbox/sandbox";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with only PATH and `env` in its environment. */
export async function amlvnet(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, ["build/cli/main.js", ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, "exit")) as [number];
  return { code, stdout, stderr };
}

/** The sandbox's environment for the CLI on a machine off Azure: the instance metadata service is not there (port 9). */
export function offAzureEnv(sandbox: RunningSandbox, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(sandbox.env as unknown as Record<string, string>), AMLVNET_IMDS_ENDPOINT: "http://127.0.0.1:9", ...extra };
}
