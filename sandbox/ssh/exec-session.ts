import type { ServerChannel, Session } from "ssh2";
import type { RunningProcess } from "../vm-agent/vm-process";

/**
 * One SSH session on a sandbox VM: `exec` runs a command, like sshd does for `ssh host command`; `env` sets only
 * LANG and LC_* (sshd's AcceptEnv on Ubuntu); no terminal, shell or subsystem, since nobody logs in to a sandbox VM
 * interactively. The channel is the command's stdin, stdout and stderr; its exit status goes back as
 * `exit-status` before the channel closes, and closing the channel first kills the command.
 */

export type StartCommand = (command: string, env: Record<string, string>, channel: ServerChannel) => RunningProcess;

const ACCEPTED_ENV = /^(LANG|LC_[A-Z_]+)$/;

export function serveExecSession(session: Session, start: StartCommand): void {
  const env: Record<string, string> = {};
  // accept/reject are undefined when the client wants no reply.
  session.on("env", (accept, reject, info) => {
    if (!ACCEPTED_ENV.test(info.key) || info.val.includes("\0")) return reject?.();
    env[info.key] = info.val;
    accept?.();
  });
  session.on("pty", (_accept, reject) => reject?.());
  session.on("shell", (_accept, reject) => reject?.());
  session.on("subsystem", (_accept, reject) => reject?.());
  session.once("exec", (accept, reject, info) => {
    if (info.command.includes("\0")) return reject?.();
    const channel = accept();
    let process: RunningProcess;
    try {
      process = start(info.command, { ...env }, channel);
    } catch (error) {
      channel.stderr.write(`${(error as Error).message}\n`);
      channel.exit(255);
      channel.end();
      return;
    }
    let open = true;
    channel.once("close", () => {
      open = false;
      process.kill();
    });
    void process.done.then((outcome) => {
      if (!open) return;
      channel.exit(outcome.exitCode);
      channel.end();
    });
  });
}
