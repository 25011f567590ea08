import { appendFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { CloudName, resolveCloud } from "../../azure/cloud";
import { floatOption, intOption, OUTPUT_HELP, OUTPUT_OPTIONS, outputOptions, parseCommandArgs, UsageError } from "../args";
import { azureContext, explainAzureFailure } from "../azure-context";
import { EXIT, EXIT_CODES_HELP, isUnexpected } from "../exit-codes";
import { changeLine, summarize } from "../../provisioner/changes";
import { DEFAULT_AGENT_CONCURRENCY } from "../../provisioner/concurrency";
import { loadConfig } from "../../provisioner/config/load-config";
import { OVERRIDABLE_FIELDS, overrideHelp, overridesFromFlags } from "../../provisioner/config/overrides";
import { createContext, RunMode } from "../../provisioner/context";
import { DevOpsService } from "../../provisioner/devops/devops-service";
import { ProvisionerInputError } from "../../provisioner/errors";
import { runDestroy, runSteps, RunResult } from "../../provisioner/provisioner";
import { readStatus, renderStatus } from "../../provisioner/status";
import { verdictLine } from "../../readiness/render/common";
import { exitOnInterrupt, interruptionReport } from "./provision-interrupt";

export type ProvisionCommand = "plan" | "apply" | "destroy" | "status";

const SUMMARY: Record<ProvisionCommand, string> = {
  plan: "Prints what apply would create, change or delete, and changes nothing.",
  apply:
    "Creates or fixes the agent VNet, NSG, peering, DNS zone links, VMs (or scale set) and agents, waits for the\nagents online, then checks readiness from the agent VNet. Safe to re-run after any failure; a re-run with the same\nconfig writes nothing.",
  destroy:
    "Removes what amlvnet created for this config (tagged resources, its peerings and zone links, its agents and\npool), never the workspace, its VNet or its zones. Collects failures instead of stopping at the first.",
  status: "Shows the pool, each agent's state and the VM behind it.",
};

/** status and destroy only look things up: the fields that name them count, the ones that shape new resources do not. */
const LOOKUP_FIELDS = new Set(["subscription", "resource-group", "workspace", "pool", "mode", "project"]);

function overridesOf(command: ProvisionCommand): typeof OVERRIDABLE_FIELDS {
  return command === "plan" || command === "apply" ? OVERRIDABLE_FIELDS : OVERRIDABLE_FIELDS.filter((field) => LOOKUP_FIELDS.has(field.flag));
}

export function provisionHelp(command: ProvisionCommand): string {
  return `Usage: amlvnet ${command} -f <config.yaml> [options]

${SUMMARY[command]}

Options:
  -f, --file FILE         the config (YAML or JSON; schema: provisioner/config.schema.json)
${OUTPUT_HELP.replace("%FORMATS%", "text | json")}
${command === "destroy" ? "  --yes                   required: confirms the deletion\n" : ""}${command === "apply" ? `  --timeout MINUTES       how long to wait for the agents online (default: pool.onlineTimeoutMinutes)\n  --parallel N            agents worked on at once (default: ${DEFAULT_AGENT_CONCURRENCY})\n  --poll-interval SECONDS between two reads while waiting (default: 5)\n` : ""}  --debug                 print the stack trace of an unexpected error
  -h, --help              show this help

Config fields set from flags (they win over the file):
${overrideHelp(overridesOf(command))}

Environment: AZURE_DEVOPS_EXT_PAT (a PAT with Agent Pools read & manage, and Project and Team read when the config
names projects; never a flag), AZURE_DEVOPS_ORG_URL (or devops.organizationUrl), AMLVNET_AGENT_DOWNLOAD_URL (agent
package override), AMLVNET_SSH_JUMP_HOST and
AMLVNET_SSH_JUMP_HOST_KEY (bootstrap: ssh), Azure through DefaultAzureCredential,
AMLVNET_ARM_ENDPOINT / AZURE_AUTHORITY_HOST as for 'amlvnet check'.
${EXIT_CODES_HELP}
Ctrl-C: what was done so far is printed; run the command again to resume.
`;
}

/** amlvnet plan | apply | destroy | status: the CLI's thin adapter over the provisioner. */
export async function runProvision(command: ProvisionCommand, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (command !== "destroy" && argv.includes("--yes"))
    throw new UsageError(
      `--yes confirms destroy; ${command} ${command === "plan" || command === "status" ? "changes nothing" : "needs no confirmation"}, so it does not take --yes`,
    );
  const { values } = parseCommandArgs(
    argv,
    {
      file: { type: "string", short: "f" },
      ...OUTPUT_OPTIONS,
      ...(command === "destroy" ? { yes: { type: "boolean" as const } } : {}),
      ...(command === "apply"
        ? { timeout: { type: "string" as const }, parallel: { type: "string" as const }, "poll-interval": { type: "string" as const } }
        : {}),
      help: { type: "boolean", short: "h" },
      ...Object.fromEntries(overridesOf(command).map((field) => [field.flag, { type: "string" as const, multiple: field.kind === "list" }])),
    },
    command,
  );
  if (values.help) {
    process.stdout.write(provisionHelp(command));
    return 0;
  }
  if (!values.file) throw new UsageError(`-f <config file> is required (see 'amlvnet ${command} --help')`);
  const { format: output, outFile } = outputOptions(values, ["text", "json"] as const);
  const given = values as { yes?: boolean; timeout?: string; parallel?: string; "poll-interval"?: string };
  if (command === "destroy" && !given.yes)
    throw new UsageError(`destroy deletes the agents, their VMs and network for ${values.file}: re-run with --yes to confirm`);
  const onlineTimeoutMinutes = given.timeout === undefined ? undefined : floatOption(given.timeout, "timeout", 15, 0.001, 120);
  const agentConcurrency = intOption(given.parallel, "parallel", DEFAULT_AGENT_CONCURRENCY, 1, 64);
  const pollIntervalMs = Math.round(floatOption(given["poll-interval"], "poll-interval", 5, 0.01, 60) * 1000);
  const write = (text: string) => (outFile ? appendFileSync(resolve(outFile), text) : process.stdout.write(text));
  if (outFile) writeFileSync(resolve(outFile), "");

  const json = output === "json";
  const progress = (line: string) => (json ? process.stderr : process.stdout).write(line + "\n");
  let cloud: CloudName = "AzureCloud";
  let devopsUrl = env.AZURE_DEVOPS_ORG_URL ?? "";
  try {
    const overrides = overridesFromFlags(values);
    const config = loadConfig(
      values.file,
      {
        pat: env.AZURE_DEVOPS_EXT_PAT,
        organizationUrl: env.AZURE_DEVOPS_ORG_URL,
        agentDownloadUrl: env.AMLVNET_AGENT_DOWNLOAD_URL,
        sshJumpHost: env.AMLVNET_SSH_JUMP_HOST,
        sshJumpHostKey: env.AMLVNET_SSH_JUMP_HOST_KEY,
      },
      { needsDevOps: true, overrides },
    );
    cloud = config.cloud;
    devopsUrl = config.devops.organizationUrl;
    const { clientsFor } = azureContext(config.cloud, env);
    const devops = new DevOpsService(config.devops.organizationUrl, env.AZURE_DEVOPS_EXT_PAT ?? "");
    const mode: RunMode = command === "destroy" ? "destroy" : command === "apply" ? "apply" : "plan";
    const controller = new AbortController();
    const ctx = createContext({
      config,
      mode,
      clientsFor,
      devops,
      pat: env.AZURE_DEVOPS_EXT_PAT ?? "",
      progress,
      signal: controller.signal,
      options: {
        agentConcurrency,
        pollIntervalMs,
        onlineTimeoutMs: onlineTimeoutMinutes === undefined ? undefined : Math.round(onlineTimeoutMinutes * 60_000),
      },
    });
    if (command === "status") {
      const status = await readStatus(ctx);
      write(json ? JSON.stringify({ command, ...status }, null, 2) + "\n" : renderStatus(status, config.pool.name));
      return EXIT.ok;
    }
    const started = Date.now();
    const release = exitOnInterrupt(() => interruptionReport(command, values.file as string, ctx, Date.now() - started), controller);
    const result = await (command === "destroy" ? runDestroy(ctx) : runSteps(ctx)).finally(release);
    write(json ? renderJson(command, result) : renderText(command, result));
    return result.ok ? EXIT.ok : EXIT.failed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const explained = await explainAzureFailure(error, resolveCloud(cloud, env), env, [{ url: devopsUrl, setting: "AZURE_DEVOPS_ORG_URL" }]);
    if (explained) throw explained;
    if (error instanceof ProvisionerInputError) throw new UsageError(error.message);
    if (isUnexpected(error)) throw error;
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    if (json) write(JSON.stringify({ command, ok: false, error: message }, null, 2) + "\n");
    process.stderr.write(`amlvnet ${command}: ${message}${command === "apply" ? " (fix it and run apply again: it continues where it stopped)" : ""}\n`);
    return EXIT.failed;
  }
}

function renderText(command: ProvisionCommand, result: RunResult): string {
  const lines: string[] = [];
  if (command === "plan") lines.push(...result.changes.map(changeLine), `Plan: ${summarize(result.changes)}.`);
  if (command === "apply") {
    lines.push(`Apply complete: ${summarize(result.changes).replace(/to (create|update|delete)/g, (_, verb: string) => `${verb}d`)}.`);
    if (result.report) lines.push(verdictLine(result.report));
  }
  if (command === "destroy") {
    lines.push(`Destroy ${result.failures.length ? "incomplete" : "complete"}: ${result.changes.filter((c) => c.action === "delete").length} deleted.`);
    for (const failure of result.failures) lines.push(`  failed: ${failure}`);
    if (result.failures.length) lines.push("Fix what failed and run destroy again: it only removes what is still there.");
  }
  return lines.join("\n") + "\n";
}

function renderJson(command: ProvisionCommand, result: RunResult): string {
  const report = result.report ? { ready: result.report.ready, summary: result.report.summary, findings: result.report.findings } : undefined;
  return (
    JSON.stringify({ command, ok: result.ok, summary: summarize(result.changes), changes: result.changes, failures: result.failures, report }, null, 2) + "\n"
  );
}
