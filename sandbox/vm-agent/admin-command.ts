import type { Readable, Writable } from "node:stream";
import type { VmTarget } from "./vm-files";
import { adminUser, vmEnvironment, type VmProcessContext } from "./vm-environment";
import { launch, type RunningProcess } from "./vm-process";

/**
 * Commands the VM's admin user runs over SSH (sandbox/ssh): bash in the VM's environment, as a Custom Script runs,
 * but as the admin (AMLVNET_VM_UID non-zero, so `sudo` applies) in the admin's home, with the session's stdin,
 * stdout and stderr, argv recorded in the VM's log, and no time limit (sshd has none: the session ends them).
 * They are killed with their VM and when the sandbox closes.
 */

export interface AdminCommand {
  command: string;
  /** Variables the session passed with `env` requests (the SSH server accepts only LANG and LC_*). */
  env: Record<string, string>;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

export class AdminCommands {
  private readonly running = new Map<string, Set<RunningProcess>>();

  run(ctx: VmProcessContext & { caPem: string }, target: VmTarget, request: AdminCommand): RunningProcess {
    const paths = ctx.files.prepareVm(target, ctx.caPem);
    const admin = adminUser(paths.vmDir, target);
    const traceLog = ctx.files.traceLog(target);
    const env = { ...vmEnvironment(ctx, target, paths, admin, traceLog), USER: admin.name, LOGNAME: admin.name, SHELL: "/bin/bash", ...request.env };
    const process = launch(
      {
        command: request.command,
        cwd: admin.home,
        env,
        stdin: request.stdin,
        stdout: request.stdout,
        stderr: request.stderr,
        straceLog: ctx.tools.strace ? traceLog : undefined,
      },
      ctx.tools,
    );
    const key = target.vmId.toLowerCase();
    const onVm = this.running.get(key) ?? new Set<RunningProcess>();
    onVm.add(process);
    this.running.set(key, onVm);
    void process.done.then(() => onVm.delete(process));
    return process;
  }

  killOn(vmId: string): void {
    for (const process of this.running.get(vmId.toLowerCase()) ?? []) process.kill();
    this.running.delete(vmId.toLowerCase());
  }

  async killAll(): Promise<void> {
    const all = [...this.running.values()].flatMap((onVm) => [...onVm]);
    this.running.clear();
    for (const process of all) process.kill();
    await Promise.all(all.map((process) => process.done));
  }
}
