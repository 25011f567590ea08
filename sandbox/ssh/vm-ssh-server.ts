import type { AdminCommand } from "../vm-agent/admin-command";
import type { VmTarget } from "../vm-agent/vm-files";
import type { RunningProcess } from "../vm-agent/vm-process";
import { serveExecSession } from "./exec-session";
import type { HostKey } from "./host-key";
import { LoopbackSshServer } from "./loopback-server";
import type { Machine } from "./machines";
import { offersAuthorizedKey } from "./public-key-auth";

/**
 * A VM's (or scale-set instance's) sshd: its own host key, `publickey` login of the VM's admin user with one of the
 * VM's authorized keys (nothing else, not "none" nor password), and commands run as that admin in the VM's
 * environment. The machine is read at every login and command, so a deleted VM lets nobody in.
 */

export interface VmSshServerOptions {
  hostKey: HostKey;
  /** The machine as it is now; undefined once it is gone. */
  machine(): Machine | undefined;
  runAsAdmin(target: VmTarget, command: AdminCommand): RunningProcess;
}

export function startVmSshServer(options: VmSshServerOptions): LoopbackSshServer {
  return new LoopbackSshServer(options.hostKey, (connection) => {
    connection.on("authentication", (ctx) => {
      const machine = options.machine();
      const allowed =
        ctx.method === "publickey" && machine !== undefined && ctx.username === machine.target.adminUser && offersAuthorizedKey(ctx, machine.authorizedKeys);
      if (allowed) ctx.accept();
      else ctx.reject(["publickey"]);
    });
    connection.on("ready", () => {
      connection.on("session", (accept) =>
        serveExecSession(accept(), (command, env, channel) => {
          const machine = options.machine();
          if (!machine) throw new Error("the VM no longer exists");
          return options.runAsAdmin(machine.target, { command, env, stdin: channel, stdout: channel, stderr: channel.stderr });
        }),
      );
    });
  });
}
