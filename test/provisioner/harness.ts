import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { scaleSetVmBody } from "../../sandbox/arm/types/scale-set-vm";
import { propertiesOf } from "../../sandbox/arm/types/wire";
import type { RunningSandbox, SandboxOptions } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { referenceIds } from "../readiness/helpers";

export { amlvnet, type Run } from "../helpers/cli";

export const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq1b4m4c0Nn0w4gk0rJ2kq0n3C5Zs3YbV4C6JdS0f9U amlvnet@test";

/** The reference scenario with a request log (bodies of writes included), and a folder for configs. */
export async function startProvisionerSandbox(options: Omit<SandboxOptions, "stateDir" | "requestLog" | "scenario"> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "amlvnet-provisioner-"));
  const logFile = join(dir, "requests.jsonl");
  const sandbox = await startTestSandbox({ scenario: "reference", lroMs: 0, ...options, requestLog: logFile });
  writeFileSync(join(dir, "id_ed25519.pub"), SSH_KEY + "\n");
  return { sandbox, dir, logFile, ids: referenceIds(sandbox), env: { ...(sandbox.env as unknown as Record<string, string>) } };
}

/** The same, with the VMs really running their extensions: the agent package configures agents that go online (its URL is in `env`). */
export function startRealAgentSandbox(options: Omit<SandboxOptions, "stateDir" | "requestLog" | "scenario" | "runExtensions"> = {}) {
  return startProvisionerSandbox({ runExtensions: true, extensionTimeoutMs: 60_000, ...options });
}

/** The minimal config of issue 5 for the sandbox: a new VNet 10.30.0.0/16 in a new resource group rg-agents. */
export function minimalConfig(sandbox: RunningSandbox, count = 3): Record<string, unknown> {
  const ids = referenceIds(sandbox);
  return {
    subscription: sandbox.env.AZURE_SUBSCRIPTION_ID,
    resourceGroup: "rg-agents",
    location: "westeurope",
    workspace: ids.workspaceId,
    network: { vnet: { name: "vnet-agents", addressSpace: "10.30.0.0/16" }, subnet: { name: "snet-agents", prefix: "10.30.1.0/24" } },
    pool: { name: "aml-private", mode: "vms", count },
    vm: { size: "Standard_D2s_v5", adminUser: "azureuser", sshPublicKeyFile: "./id_ed25519.pub" },
    bootstrap: "extension",
  };
}

/** The minimal config exactly as issue 5 writes it (flow mappings and comments), for a subscription and workspace. */
export function issueConfigText(subscription: string, workspaceId: string): string {
  return `subscription: ${subscription}
resourceGroup: rg-agents
location: westeurope
workspace: ${workspaceId}
network:
  vnet: { name: vnet-agents, addressSpace: 10.30.0.0/16 }   # or { id: <existing VNet ID> }
  subnet: { name: snet-agents, prefix: 10.30.1.0/24 }
pool: { name: aml-private, mode: vms, count: 3 }             # mode: vms | scaleset
vm: { size: Standard_D2s_v5, adminUser: azureuser, sshPublicKeyFile: ./id_ed25519.pub }
bootstrap: extension                                          # extension | ssh
`;
}

export function writeConfig(dir: string, name: string, config: unknown, format: "yaml" | "json" | "raw" = "yaml"): string {
  const file = join(dir, name);
  writeFileSync(file, format === "raw" ? String(config) : format === "json" ? JSON.stringify(config, null, 2) : stringify(config));
  return file;
}

interface LogEntry {
  method: string;
  path: string;
  status: number;
  body?: string;
}

export function readLog(logFile: string): LogEntry[] {
  return readFileSync(logFile, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LogEntry);
}

/** Requests that change Azure or Azure DevOps (token requests are not changes). */
export function writesIn(entries: LogEntry[]): LogEntry[] {
  return entries.filter((e) => ["PUT", "PATCH", "DELETE", "POST"].includes(e.method) && !/\/oauth2\//.test(e.path));
}

/** IDs of every ARM resource and group, lower-cased and sorted, to compare before and after. */
export function resourceSet(sandbox: RunningSandbox): string[] {
  const resources = sandbox.arm.store.resources().map((r) => r.id.toLowerCase());
  const groups = sandbox.arm.store.groups(sandbox.env.AZURE_SUBSCRIPTION_ID).map((g) => g.id.toLowerCase());
  return [...resources, ...groups].sort();
}

/**
 * Stands in for the agent package until the sandbox runs extensions: for every VM whose amlvnet agent extension
 * succeeded (or every instance of a scale set pool's scale set), registers the agent in its pool (as config.sh
 * does) and marks it online (as the listener does).
 */
export function simulateAgents(sandbox: RunningSandbox, poolName: string): () => void {
  const timer = setInterval(() => {
    const pool = sandbox.devops.findPoolByName(poolName);
    if (!pool) return;
    const names: string[] = [];
    const elastic = sandbox.devops.elasticPools.get(pool.id);
    for (const resource of sandbox.arm.store.resources()) {
      if (
        elastic &&
        resource.type === "Microsoft.Compute/virtualMachineScaleSets/virtualMachines" &&
        resource.id.toLowerCase().startsWith(elastic.azureId.toLowerCase() + "/")
      ) {
        names.push(scaleSetVmBody(resource).properties.osProfile.computerName);
      }
      if (
        !elastic &&
        resource.type === "Microsoft.Compute/virtualMachines/extensions" &&
        resource.name === "amlvnet-agent" &&
        propertiesOf(resource.body).provisioningState === "Succeeded"
      ) {
        names.push(resource.id.split("/")[8]);
      }
    }
    for (const name of names) {
      if (!sandbox.devops.findAgentByName(pool.id, name)) sandbox.devops.addAgent(pool.id, { name, version: "4.258.1" });
      sandbox.devops.setAgentStatusByName(poolName, name, "online");
    }
  }, 20);
  return () => clearInterval(timer);
}
