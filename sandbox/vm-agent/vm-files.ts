import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { SUDO_SHIM, TRACE_SHIM } from "./exec-trace";
import type { HostTools } from "./vm-process";

/**
 * The sandbox VMs' disks: `<stateDir>/vms/<port>/<resource group>/<vm>/` is the VM's "/" (home directories, tmp,
 * the sandbox CA, /var/lib/waagent/custom-script/download/<seq>/ where a Custom Script runs and keeps its stdout and
 * stderr). Outside the VMs: `_trace/` (the argv logs) and `_shims/` (sudo, and argv loggers without strace).
 * When scripts run as the stand-in user, the VM directories are theirs and the path down to them is traversable
 * (the state directory gains o+x, never o+r). Modes are set with chmod, not only asked of mkdir and writeFile, which
 * the umask trims: under `umask 077` every directory would otherwise be 0700 and the stand-in user locked out.
 */

export interface VmTarget {
  /** Resource ID of the VM or scale-set instance. */
  vmId: string;
  resourceGroup: string;
  /** The VM's name, or `<scale set>_<instance id>`. */
  dirName: string;
  computerName: string;
  adminUser: string;
}

/** Whether every directory above `dir` lets others traverse it (o+x): the stand-in user must reach the VMs' disks. */
function ancestorsTraversable(dir: string): boolean {
  for (let parent = dirname(resolve(dir)); ; parent = dirname(parent)) {
    try {
      if ((statSync(parent).mode & 0o001) === 0) return false;
    } catch {
      // not there yet: created later with a traversable mode
    }
    if (parent === dirname(parent)) return true;
  }
}

/**
 * Where the VMs' disks go: under the state directory, unless scripts run as a stand-in user who could not reach it
 * (a state directory inside a 0700 directory, as `mktemp -d` makes): then under the system temp directory.
 */
export function vmFilesBase(stateDir: string, tools: HostTools): string {
  if (!tools.runAs || ancestorsTraversable(stateDir)) return stateDir;
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  for (const candidate of [join(tmpdir(), `amlvnet-sandbox-vms-${uid}`), `/tmp/amlvnet-sandbox-vms-${uid}`])
    if (ancestorsTraversable(candidate)) return candidate;
  return stateDir;
}

export class VmFiles {
  readonly shimBin: string;
  readonly traceShims: string;

  constructor(
    readonly stateDir: string,
    readonly root: string,
    private readonly tools: HostTools,
  ) {
    this.shimBin = join(root, "_shims", "bin");
    this.traceShims = join(root, "_shims", "trace");
    rmSync(root, { recursive: true, force: true });
    this.traversable(stateDir);
    for (const dir of [join(stateDir, "vms"), root, join(root, "_shims"), this.shimBin, join(root, "_trace")]) this.mkdir(dir, 0o711);
    this.writeFile(join(this.shimBin, "sudo"), SUDO_SHIM, 0o755);
    if (!tools.strace) this.installTraceShims();
  }

  vmDir(target: VmTarget): string {
    return join(this.root, target.resourceGroup.toLowerCase(), target.dirName);
  }

  traceLog(target: VmTarget): string {
    return join(this.root, "_trace", target.resourceGroup.toLowerCase(), `${target.dirName}.${this.tools.strace ? "strace" : "jsonl"}`);
  }

  /** Creates the VM's directories (idempotent) and the download directory of this sequence number. */
  prepare(target: VmTarget, seq: number, caPem: string): { vmDir: string; downloadDir: string; caPath: string } {
    const { vmDir, caPath } = this.prepareVm(target, caPem);
    const downloadDir = join(vmDir, "var", "lib", "waagent", "custom-script", "download", String(seq));
    rmSync(downloadDir, { recursive: true, force: true });
    mkdirSync(downloadDir, { recursive: true, mode: 0o700 });
    this.giveTree(join(vmDir, "var"));
    return { vmDir, downloadDir, caPath };
  }

  /** Creates the VM's directories (idempotent): its "/", home directories, tmp, the sandbox CA, and its argv log. */
  prepareVm(target: VmTarget, caPem: string): { vmDir: string; caPath: string } {
    const vmDir = this.vmDir(target);
    this.mkdir(join(this.root, target.resourceGroup.toLowerCase()), 0o711);
    for (const dir of [
      vmDir,
      join(vmDir, "root"),
      join(vmDir, "home"),
      join(vmDir, "home", target.adminUser),
      join(vmDir, "tmp"),
      join(vmDir, "etc"),
      join(vmDir, "etc", "ssl"),
    ]) {
      this.mkdir(dir, 0o755, true);
    }
    const caPath = join(vmDir, "etc", "ssl", "amlvnet-sandbox-ca.pem");
    this.writeFile(caPath, caPem, 0o644);
    const trace = this.traceLog(target);
    this.mkdir(join(this.root, "_trace", target.resourceGroup.toLowerCase()), 0o711);
    if (!this.tools.strace) {
      writeFileSync(trace, "", { flag: "a", mode: 0o600 });
      this.give(trace);
    }
    return { vmDir, caPath };
  }

  /** Hands a file or directory to the stand-in user the scripts run as (no-op when they run as the sandbox's user). */
  give(path: string): void {
    if (this.tools.runAs) chownSync(path, this.tools.runAs.uid, this.tools.runAs.gid);
  }

  /** Every VM's disk, the argv logs and shims of this sandbox (on close). */
  removeAll(): void {
    try {
      rmSync(this.root, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
    } catch {
      // left for the next start on this port, which removes it
    }
  }

  /** Best effort: a killed script may still be exiting; the directory is wiped at the next start anyway. */
  remove(target: VmTarget): void {
    try {
      rmSync(this.vmDir(target), { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
    } catch {
      // left for the next start of the sandbox, which removes every VM directory
    }
  }

  private giveTree(path: string): void {
    if (!this.tools.runAs) return;
    this.give(path);
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) this.giveTree(join(path, name));
  }

  /** mkdir -p, each level it creates and `dir` itself given `mode` whatever the umask. */
  private mkdir(dir: string, mode: number, owned = false): void {
    const missing: string[] = [];
    for (let level = resolve(dir); !existsSync(level) && level !== dirname(level); level = dirname(level)) missing.unshift(level);
    for (const level of missing) mkdirSync(level, { mode });
    for (const level of new Set([...missing, resolve(dir)])) chmodSync(level, mode);
    if (owned) this.give(dir);
  }

  private writeFile(path: string, content: string, mode: number): void {
    writeFileSync(path, content, { mode });
    chmodSync(path, mode);
  }

  private traversable(dir: string): void {
    if (!this.tools.runAs) return;
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, statSync(dir).mode | 0o011);
  }

  /** Without strace: a logging shim named after every command in the real PATH. */
  private installTraceShims(): void {
    this.mkdir(this.traceShims, 0o755);
    const shim = join(this.root, "_shims", "trace-shim.sh");
    this.writeFile(shim, TRACE_SHIM, 0o755);
    const seen = new Set(["sudo"]);
    for (const dir of this.tools.realPath) {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        if (seen.has(name)) continue;
        seen.add(name);
        symlinkSync(shim, join(this.traceShims, name));
      }
    }
  }
}
