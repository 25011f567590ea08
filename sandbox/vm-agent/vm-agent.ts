import { createHash } from "node:crypto";
import { join } from "node:path";
import type { ArmService } from "../arm/arm-service";
import { parseResourceId } from "../arm/resource-id";
import { VM_EXTENSION } from "../arm/types/compute";
import { propertiesOf } from "../arm/types/wire";
import type { DevOpsState } from "../devops/devops-state";
import type { SandboxDirectory } from "../directory";
import type { Handler } from "../http/message";
import { AGENT_PACKAGE_NAME, AGENT_VERSION } from "./package/agent-version";
import { AdminCommand, AdminCommands } from "./admin-command";
import { buildAgentPackage } from "./agent-package";
import { AgentSessions } from "./agent-sessions";
import { ComputeHookTarget, installComputeHooks } from "./arm-hooks";
import { isCustomScript } from "./cse-settings";
import { ExecRecord, readExecLog } from "./exec-trace";
import { ExtensionSpec, RunResult, runExtension } from "./extension-run";
import { acceptedExtension, ExtensionStatus, provisioningError, statusOf } from "./instance-view";
import { OperationGate } from "./operation-gate";
import { vmAgentHandler } from "./vm-agent-routes";
import { vmFilesBase, VmFiles, VmTarget } from "./vm-files";
import { detectHostTools, HostTools, RunningProcess } from "./vm-process";

export interface VmAgentOptions {
  arm: ArmService;
  devops: DevOpsState;
  directory: SandboxDirectory;
  stateDir: string;
  caPem: string;
  /** Run Custom Script extensions (otherwise extensions are only stored, as before). */
  runExtensions: boolean;
  /** Time limit of one extension run (Azure's is 90 minutes). */
  timeoutMs: number;
}

interface Run {
  cancelled: boolean;
  process?: RunningProcess;
}

/**
 * The sandbox's VMs from the inside: runs Custom Script extensions on VMs and scale-set instances (ARM hooks,
 * operation gate), keeps their instance views, serves the agent package and files for fileUris, and answers the
 * agent's OAuth and session calls. Created before the server starts; `attach(origin)` once it listens.
 */
export class VmAgent implements ComputeHookTarget {
  readonly sessions: AgentSessions;
  private readonly tools: HostTools;
  private readonly gate: OperationGate | undefined;
  private readonly packageBytes = buildAgentPackage();
  private readonly published = new Map<string, Buffer>();
  private readonly statuses = new Map<string, Map<string, ExtensionStatus>>();
  private readonly runs = new Map<string, Run>();
  private readonly applied = new Map<string, { hash: string; ok: boolean }>();
  private readonly active = new Set<Promise<unknown>>();
  private readonly adminCommands = new AdminCommands();
  private sequence = 0;
  private origin = "";
  private files: VmFiles | undefined;

  constructor(private readonly options: VmAgentOptions) {
    this.sessions = new AgentSessions(options.devops, options.directory, () => ({ url: this.agentPackageUrl, bytes: this.packageBytes }));
    this.tools = options.runExtensions ? detectHostTools() : { realPath: [] };
    if (options.runExtensions) {
      this.gate = new OperationGate(options.arm.operations, options.arm.store);
      installComputeHooks(options.arm.types, this);
    }
  }

  attach(origin: string): void {
    this.origin = origin;
    if (this.options.runExtensions) {
      const base = vmFilesBase(this.options.stateDir, this.tools);
      this.files = new VmFiles(base, join(base, "vms", new URL(origin).port), this.tools);
    }
  }

  /** Where the agent package is served, e.g. https://127.0.0.1:PORT/_agent/4.258.1/vsts-agent-linux-x64-4.258.1.tar.gz. */
  get agentPackageUrl(): string {
    return `${this.origin}/_agent/${AGENT_VERSION}/${AGENT_PACKAGE_NAME}`;
  }

  /** Whether scripts run under strace (every exec recorded) or with PATH shims (commands in PATH only). */
  get argvRecording(): "strace" | "path-shims" | "off" {
    if (!this.options.runExtensions) return "off";
    return this.tools.strace ? "strace" : "path-shims";
  }

  handler(): Handler {
    return vmAgentHandler({
      arm: this.options.arm,
      sessions: this.sessions,
      packageBytes: this.packageBytes,
      published: this.published,
      waitingFor: (operationId) => this.gate?.waitingFor(operationId),
      statuses: (vmId) => this.extensionStatuses(vmId),
    });
  }

  /** Serves `content` at ${origin}/_files/{name} (a place for fileUris) and returns that URL. */
  publishFile(name: string, content: string | Buffer): string {
    this.published.set(name, Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8"));
    return `${this.origin}/_files/${encodeURIComponent(name)}`;
  }

  /** The VM's (or scale-set instance's) directory: its "/" on this machine. */
  vmDirectory(vmId: string): string {
    return this.requireFiles().vmDir(this.pathTarget(vmId));
  }

  /** The argv of every process the VM's scripts started (see `argvRecording`). */
  commands(vmId: string): ExecRecord[] {
    return readExecLog(this.requireFiles().traceLog(this.pathTarget(vmId)), this.tools.strace ? "strace" : "shim");
  }

  /** The VM's extension states: those that ran, and its other extensions as provisioned. */
  extensionStatuses(vmId: string): ExtensionStatus[] {
    const known = this.statuses.get(vmId.toLowerCase()) ?? new Map<string, ExtensionStatus>();
    const others = this.options.arm.store
      .childrenOf(vmId, VM_EXTENSION)
      .filter((e) => !known.has(e.name.toLowerCase()))
      .map((e) => acceptedExtension(propertiesOf(e.body), e.name, new Date().toISOString()));
    return [...known.values(), ...others];
  }

  /** Resolves when no extension is running. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  /** Runs an SSH session's command on the VM (or instance) as its admin user; see admin-command.ts. */
  runAsAdmin(target: VmTarget, command: AdminCommand): RunningProcess {
    return this.adminCommands.run({ origin: this.origin, caPem: this.options.caPem, tools: this.tools, files: this.requireFiles() }, target, command);
  }

  async close(): Promise<void> {
    for (const run of this.runs.values()) this.cancel(run);
    await Promise.all([this.idle(), this.adminCommands.killAll()]);
    // The VMs' disks go with the sandbox: nothing is left under <state dir>/vms/<port>/.
    this.files?.removeAll();
  }

  runOn(operationResourceId: string, target: VmTarget, extension: ExtensionSpec): void {
    const key = `${target.vmId}|${extension.name}`.toLowerCase();
    const now = new Date().toISOString();
    if (!isCustomScript(extension)) {
      this.setStatus(target.vmId, acceptedExtension(extension, extension.name, now));
      return;
    }
    const hash = createHash("sha256")
      .update(JSON.stringify([extension.typeHandlerVersion, extension.settings, extension.protectedSettings, extension.forceUpdateTag]))
      .digest("hex");
    const previous = this.applied.get(key);
    if (!this.runs.has(key) && previous?.hash === hash && previous.ok) return; // same configuration, already applied
    const older = this.runs.get(key);
    if (older) this.cancel(older);
    const run: Run = { cancelled: false };
    this.runs.set(key, run);
    const seq = this.sequence++;
    this.setStatus(target.vmId, { ...acceptedExtension(extension, extension.name, now), state: "transitioning", message: "Enable in progress" });
    const result = new Promise<RunResult>((resolve) => setImmediate(() => resolve(this.execute(run, target, extension, seq))));
    const outcome = result.then((r) => {
      if (this.runs.get(key) === run) this.runs.delete(key);
      if (run.cancelled) return { code: "OperationPreempted", message: "Operation execution has been preempted by a more recent operation." };
      this.applied.set(key, { hash, ok: r.ok });
      this.setStatus(target.vmId, statusOf(extension, r));
      return r.ok ? undefined : provisioningError(extension, r);
    });
    this.active.add(outcome);
    void outcome.finally(() => this.active.delete(outcome));
    this.gate?.wait(operationResourceId, outcome);
  }

  forgetExtension(vmId: string, name: string): void {
    const key = `${vmId}|${name}`.toLowerCase();
    const run = this.runs.get(key);
    if (run) this.cancel(run);
    this.applied.delete(key);
    this.statuses.get(vmId.toLowerCase())?.delete(name.toLowerCase());
  }

  forgetVm(vmId: string): void {
    const prefix = `${vmId}|`.toLowerCase();
    for (const [key, run] of this.runs) if (key.startsWith(prefix)) this.cancel(run);
    for (const key of this.applied.keys()) if (key.startsWith(prefix)) this.applied.delete(key);
    this.adminCommands.killOn(vmId);
    this.statuses.delete(vmId.toLowerCase());
    this.sessions.dropVm(vmId);
    // The VM's disk goes with it: a new VM of the same name starts clean, as a new VM does.
    this.files?.remove(this.pathTarget(vmId));
  }

  private async execute(run: Run, target: VmTarget, extension: ExtensionSpec, seq: number): Promise<RunResult> {
    if (run.cancelled || !this.files) return { ok: false, timedOut: false, message: "Enable failed: the run was cancelled", stdout: "", stderr: "" };
    const context = { origin: this.origin, caPem: this.options.caPem, timeoutMs: this.options.timeoutMs, tools: this.tools, files: this.files };
    try {
      return await runExtension(context, target, extension, seq, (process) => {
        run.process = process;
        if (run.cancelled) process.kill();
      });
    } catch (error) {
      return { ok: false, timedOut: false, message: `Enable failed: ${(error as Error).message}`, stdout: "", stderr: "" };
    }
  }

  private cancel(run: Run): void {
    run.cancelled = true;
    run.process?.kill();
  }

  private setStatus(vmId: string, status: ExtensionStatus): void {
    const key = vmId.toLowerCase();
    const byName = this.statuses.get(key) ?? new Map<string, ExtensionStatus>();
    byName.set(status.name.toLowerCase(), status);
    this.statuses.set(key, byName);
  }

  private requireFiles(): VmFiles {
    if (!this.files) throw new Error("VM extensions do not run in this sandbox: start it with runExtensions: true");
    return this.files;
  }

  /** Resource group and directory name of a VM or scale-set instance, from its ID (in its stored casing when it exists). */
  private pathTarget(id: string): VmTarget {
    const vmId = this.options.arm.store.getResource(id)?.id ?? id;
    const address = parseResourceId(vmId);
    if (!address) throw new Error(`'${vmId}' is not a VM or scale-set instance ID`);
    const dirName = address.names.length === 2 ? `${address.names[0]}_${address.names[1]}` : address.names[0];
    return { vmId, resourceGroup: address.resourceGroup, dirName, computerName: dirName, adminUser: "azureuser" };
  }
}
