import { asObject, asString, JsonObject, propertiesOf } from "../arm/types/wire";
import type { RunResult } from "./extension-run";

/**
 * Instance views as Microsoft.Compute returns them: an extension's (statuses with the extension's message, plus
 * StdOut/StdErr substatuses as the Custom Script extension for Windows reports them), a VM's or scale-set
 * instance's (VM agent, disks, extensions, provisioning and power state), and the errors a failed or timed-out
 * extension makes its operation fail with.
 */

export interface ExtensionStatus {
  name: string;
  publisher: string;
  type: string;
  typeHandlerVersion: string;
  state: "transitioning" | "succeeded" | "failed";
  message: string;
  stdout: string;
  stderr: string;
  time: string;
}

const TROUBLESHOOT = "More information on troubleshooting is available at https://aka.ms/VMExtensionCSELinuxTroubleshoot. ";

function status(code: string, level: "Info" | "Error" | "Warning", displayStatus: string, extra: JsonObject = {}): JsonObject {
  return { code, level, displayStatus, ...extra };
}

export function extensionInstanceView(s: ExtensionStatus): JsonObject {
  const level = s.state === "failed" ? "Error" : "Info";
  const display = s.state === "transitioning" ? "Transitioning" : s.state === "succeeded" ? "Provisioning succeeded" : "Provisioning failed";
  const view: JsonObject = {
    name: s.name,
    type: `${s.publisher}.${s.type}`,
    typeHandlerVersion: s.typeHandlerVersion,
    statuses: [status(`ProvisioningState/${s.state}`, level, display, { message: s.message, time: s.time })],
  };
  if (s.state !== "transitioning") {
    view.substatuses = [
      status(`ComponentStatus/StdOut/${s.state}`, "Info", display, { message: s.stdout }),
      status(`ComponentStatus/StdErr/${s.state}`, "Info", display, { message: s.stderr }),
    ];
  }
  return view;
}

/** An extension the sandbox does not run (any other publisher/type): reported as provisioned. */
export function acceptedExtension(properties: unknown, name: string, time: string): ExtensionStatus {
  const { publisher, type, typeHandlerVersion } = asObject(properties);
  return {
    name,
    publisher: String(publisher),
    type: String(type),
    typeHandlerVersion: String(typeHandlerVersion),
    state: "succeeded",
    message: "",
    stdout: "",
    stderr: "",
    time,
  };
}

export function statusOf(spec: { name: string; publisher: string; type: string; typeHandlerVersion: string }, result: RunResult): ExtensionStatus {
  const { name, publisher, type, typeHandlerVersion } = spec;
  return {
    name,
    publisher,
    type,
    typeHandlerVersion,
    state: result.ok ? "succeeded" : "failed",
    message: result.message,
    stdout: result.stdout,
    stderr: result.stderr,
    time: new Date().toISOString(),
  };
}

/** The ARM error a failed run gives the operation that waited for it. */
export function provisioningError(spec: { name: string; publisher: string; type: string }, result: RunResult): { code: string; message: string } {
  if (result.timedOut) {
    return {
      code: "VMExtensionProvisioningTimeout",
      message: `Provisioning of VM extension '${spec.name}' has timed out. Extension provisioning has taken too long to complete. The extension last reported "${result.message}".\r\n\r\n${TROUBLESHOOT}`,
    };
  }
  return {
    code: "VMExtensionProvisioningError",
    message: `VM has reported a failure when processing extension '${spec.name}' (publisher '${spec.publisher}' and type '${spec.type}'). Error message: '${result.message}'. ${TROUBLESHOOT}`,
  };
}

function provisioningStatus(state: string | undefined, time: unknown): JsonObject {
  const lower = (state ?? "Succeeded").toLowerCase();
  const display = lower === "succeeded" ? "Provisioning succeeded" : lower === "failed" ? "Provisioning failed" : String(state);
  return status(`ProvisioningState/${lower}`, lower === "failed" ? "Error" : "Info", display, { time });
}

/** VirtualMachineInstanceView (also the shape of a scale-set instance's) for a VM body as GET returns it. */
export function vmInstanceView(vm: unknown, extensions: ExtensionStatus[]): JsonObject {
  const props = propertiesOf(vm);
  const storageProfile = asObject(props.storageProfile);
  const time = props.timeCreated ?? new Date().toISOString();
  const offer = String(asObject(storageProfile.imageReference).offer ?? "");
  const version = /(\d+)_(\d+)/.exec(offer);
  const handlers = new Map<string, JsonObject>();
  for (const e of extensions)
    handlers.set(`${e.publisher}.${e.type}`, {
      type: `${e.publisher}.${e.type}`,
      typeHandlerVersion: e.typeHandlerVersion,
      status: status("ProvisioningState/succeeded", "Info", "Ready"),
    });
  const disk = asObject(storageProfile.osDisk).name;
  return {
    computerName: asObject(props.osProfile).computerName,
    ...(offer.toLowerCase().includes("ubuntu") ? { osName: "ubuntu", ...(version ? { osVersion: `${version[1]}.${version[2]}` } : {}) } : {}),
    vmAgent: {
      vmAgentVersion: "2.13.1.1",
      statuses: [status("ProvisioningState/succeeded", "Info", "Ready", { message: "Guest Agent is running", time: new Date().toISOString() })],
      extensionHandlers: [...handlers.values()],
    },
    ...(disk ? { disks: [{ name: disk, statuses: [status("ProvisioningState/succeeded", "Info", "Provisioning succeeded", { time })] }] } : {}),
    hyperVGeneration: "V2",
    extensions: extensions.map(extensionInstanceView),
    statuses: [provisioningStatus(asString(props.provisioningState), time), status("PowerState/running", "Info", "VM running")],
  };
}

function summary(codes: string[]): JsonObject[] {
  const counts = new Map<string, number>();
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts].map(([code, count]) => ({ code, count }));
}

/** VirtualMachineScaleSetInstanceView: counts of instance and extension states across the instances. */
export function scaleSetInstanceView(scaleSet: unknown, instanceStates: string[], extensions: ExtensionStatus[]): JsonObject {
  const names = [...new Set(extensions.map((e) => e.name))];
  const props = propertiesOf(scaleSet);
  return {
    virtualMachine: { statusesSummary: summary(instanceStates.map((state) => `ProvisioningState/${state.toLowerCase()}`)) },
    extensions: names.map((name) => ({ name, statusesSummary: summary(extensions.filter((e) => e.name === name).map((e) => `ProvisioningState/${e.state}`)) })),
    statuses: [provisioningStatus(asString(props.provisioningState), props.timeCreated ?? new Date().toISOString())],
  };
}
