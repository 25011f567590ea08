import type { VirtualMachineExtension } from "@azure/arm-compute";
import type { AgentMachine, ProvisionContext } from "../context";
import { firstLine, StepError } from "../errors";
import { AGENT_EXTENSION_NAME } from "../resource-ids";
import { act, getOrUndefined } from "../steps/step";
import type { AgentBootstrap } from "./agent-bootstrap";
import { commandToExecute, scriptFingerprint } from "./agent-script";
import { machineAgentScript } from "./machine-script";

export const SCRIPT_TAG = "amlvnet-script";

/**
 * The Custom Script extension (Microsoft.Azure.Extensions/CustomScript 2.1) runs the agent script as root at
 * provisioning. `settings` stay empty; the command, and with it the PAT, go only in `protectedSettings`, which
 * Azure encrypts to the VM and never returns. Whether it is already as desired is told by its provisioning state
 * and the script fingerprint tag, since protectedSettings cannot be read back.
 */
export class ExtensionBootstrap implements AgentBootstrap {
  readonly kind = "extension" as const;

  async preflight(): Promise<void> {
    // Nothing beyond the config's checks: the download URL is https and the PAT is set.
  }

  async ensure(ctx: ProvisionContext, machine: AgentMachine): Promise<void> {
    const { config, clients } = ctx;
    const script = machineAgentScript(ctx, machine);
    const fingerprint = scriptFingerprint(script);
    const existing = await getOrUndefined(
      () => clients.compute.virtualMachineExtensions.get(config.resourceGroup, machine.vmName, AGENT_EXTENSION_NAME),
      `the agent extension of ${machine.vmName}`,
    );
    const state = existing?.provisioningState;
    const current = existing?.tags?.[SCRIPT_TAG];
    let detail: string | undefined;
    if (!existing) detail = "Custom Script: download, config.sh --unattended, svc.sh install";
    else if (state === "Failed") detail = "the last run failed: running it again";
    else if (current !== fingerprint) detail = "the agent script changed";
    const change = {
      step: "agent-software",
      kind: "agent extension",
      name: `${machine.vmName}/${AGENT_EXTENSION_NAME}`,
      id: `${ctx.ids.vmId(machine.vmName)}/extensions/${AGENT_EXTENSION_NAME}`,
    };
    if (!detail) return act(ctx, { ...change, action: "no-op" }, async () => undefined);
    const body: VirtualMachineExtension = {
      location: config.location,
      tags: { ...ctx.tags, [SCRIPT_TAG]: fingerprint },
      publisher: "Microsoft.Azure.Extensions",
      typePropertiesType: "CustomScript",
      typeHandlerVersion: "2.1",
      autoUpgradeMinorVersion: true,
      settings: {},
      protectedSettings: { commandToExecute: commandToExecute(script, ctx.pat) },
      ...(state === "Failed" ? { forceUpdateTag: `${fingerprint}-${Date.now()}` } : {}),
    };
    await act(ctx, { ...change, action: existing ? "update" : "create", detail }, async () => {
      try {
        await clients.compute.virtualMachineExtensions.createOrUpdate(config.resourceGroup, machine.vmName, AGENT_EXTENSION_NAME, body, {
          abortSignal: ctx.signal,
        });
      } catch (error) {
        // The script ran and failed (or could not start): say where its output is; a re-run retries it.
        throw new StepError(
          "agent-software",
          `the agent extension of ${machine.vmName} failed: ${firstLine(error)}${stderrTail(error)}; look at its instance view (az vm extension show -g ${config.resourceGroup} --vm-name ${machine.vmName} -n ${AGENT_EXTENSION_NAME} --instance-view), then run apply again`,
        );
      }
    });
  }
}

/**
 * The last lines of the script's stderr, which Azure puts in the extension's error after "[stderr]" (Custom Script
 * Extension messages read "...exit status=1\n[stdout]\n...\n[stderr]\n...'."), as " (stderr: ... | ...)".
 */
function stderrTail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const stderr = /\[stderr\]\r?\n([\s\S]*?)(?:'\.|'\s*$|$)/.exec(message)?.[1] ?? "";
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-3);
  const tail = lines.join(" | ");
  return tail ? ` (stderr: ${tail.length > 400 ? `…${tail.slice(-400)}` : tail})` : "";
}
