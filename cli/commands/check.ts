import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { CLOUD_NAMES, CloudName } from "../../azure/cloud";
import { discoverAgentVnet } from "../../readiness/agent-vnet";
import { runReadinessCheck } from "../../readiness/engine";
import { CheckSetupError } from "../../readiness/errors";
import type { FailOn, ReadinessReport } from "../../readiness/finding";
import { probeStep } from "../../readiness/probe-step";
import { parseArmId } from "../../readiness/topology/arm-id";
import { dnsServerResolver, InvalidDnsServerError, parseDnsServer, systemResolver } from "../../readiness/probe/resolver";
import { renderJson } from "../../readiness/render/json";
import { renderJunit } from "../../readiness/render/junit";
import { renderMarkdown } from "../../readiness/render/markdown";
import { renderText } from "../../readiness/render/text";
import { verdictLine } from "../../readiness/render/common";
import { choiceOption, OUTPUT_OPTIONS, outputOptions, parseCommandArgs, UsageError } from "../args";
import { azureContext, explainAzureFailure, serviceFailureLine } from "../azure-context";
import { EXIT, EXIT_CODES_HELP } from "../exit-codes";

export const CHECK_HELP = `Usage: amlvnet check --workspace <workspace resource ID> [options]

Reads the live network around an Azure Machine Learning workspace and says whether self-hosted agents in a peered
VNet can use it: subnet, NSG flows, routes, private endpoints, private DNS zones and links, peering, workspace and
registry settings; with --probe, DNS and TCP from this machine. Each finding comes with the fix.

Options:
  --workspace ID          /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<name>
  --agent-vnet ID         the agents' VNet (default: this VM's VNet, found through the instance metadata service)
  -o, --output FORMAT     text | json | markdown | junit (default: text); --format FORMAT is the same option
  --out-file FILE         write the report to FILE (the verdict line still goes to stdout); an --output value that
                          is not a format is taken as this file, with a warning (the meaning of --output before 1.1)
  --target NAME           judge only what a stage uses: a compute or online endpoint of the workspace (repeatable;
                          'aci' asks about an Azure Container Instances deployment); default: every one
  --fail-on LEVEL         error | warning | never: what makes the network "not ready" (default: error)
  --probe, --no-probe     resolve every endpoint FQDN and open TCP 443 from this machine (default: --no-probe)
  --dns-server IP[:PORT]  with --probe: resolve through this DNS server instead of the system resolver (for
                          example the sandbox's AMLVNET_SANDBOX_DNS_SERVER)
  --cloud NAME            AzureCloud | AzureUSGovernment | AzureChinaCloud (default: AzureCloud)
  --debug                 print the stack trace of an unexpected error
  -h, --help              show this help

Text output is coloured on a terminal unless NO_COLOR is set.
Authentication: @azure/identity's DefaultAzureCredential (environment variables, managed identity, az login).
ARM endpoint: AMLVNET_ARM_ENDPOINT, else the cloud's default.
${EXIT_CODES_HELP}
`;

const FORMATS = ["text", "json", "markdown", "junit"] as const;
const FAIL_ON = ["error", "warning", "never"] as const;

const RENDERERS: Record<(typeof FORMATS)[number], (report: ReadinessReport) => string> = {
  text: (report) => renderText(report),
  json: renderJson,
  markdown: renderMarkdown,
  junit: (report) => renderJunit(report),
};

export async function runCheck(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      workspace: { type: "string" },
      "agent-vnet": { type: "string" },
      target: { type: "string", multiple: true },
      ...OUTPUT_OPTIONS,
      "fail-on": { type: "string" },
      probe: { type: "boolean" },
      "no-probe": { type: "boolean" },
      "dns-server": { type: "string" },
      cloud: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    "check",
  );
  if (values.help) {
    process.stdout.write(CHECK_HELP);
    return 0;
  }
  if (!values.workspace) throw new UsageError("--workspace is required: the workspace's resource ID (see 'amlvnet check --help')");
  if (values.probe && values["no-probe"]) throw new UsageError("--probe and --no-probe contradict each other; give one");
  if (values["dns-server"] && !values.probe)
    throw new UsageError("--dns-server only matters with --probe (it names the DNS server the probes ask); add --probe or drop --dns-server");
  const { format, outFile } = outputOptions(values, FORMATS, { legacyFile: true, warn: (line) => process.stderr.write(line + "\n") });
  const failOn: FailOn = choiceOption(values["fail-on"], "fail-on", FAIL_ON, "error");
  const cloud: CloudName = choiceOption(values.cloud, "cloud", CLOUD_NAMES, "AzureCloud");
  let resolver = systemResolver();
  if (values["dns-server"]) {
    try {
      resolver = dnsServerResolver(parseDnsServer(values["dns-server"]));
    } catch (error) {
      if (error instanceof InvalidDnsServerError) throw new UsageError(error.message);
      throw error;
    }
  }
  const { clientsFor, endpoints } = azureContext(cloud, env);
  try {
    parseArmId(values.workspace, "Microsoft.MachineLearningServices/workspaces", "--workspace");
    if (values["agent-vnet"]) parseArmId(values["agent-vnet"], "Microsoft.Network/virtualNetworks", "--agent-vnet");
    const agentVnetId = values["agent-vnet"] ?? (await discoverAgentVnet(clientsFor, env.AMLVNET_IMDS_ENDPOINT));
    const report = await runReadinessCheck(
      {
        workspaceId: values.workspace,
        agentVnetId,
        cloud,
        failOn,
        targets: targetList(values.target),
        probe: values.probe ? probeStep({ resolver, timeoutMs: 3000 }) : undefined,
      },
      clientsFor,
    );
    const color = format === "text" && !outFile && process.stdout.isTTY === true && !env.NO_COLOR;
    const rendered = format === "text" ? renderText(report, { color }) : RENDERERS[format](report);
    if (outFile) {
      writeFileSync(resolve(outFile), rendered);
      process.stdout.write(verdictLine(report) + "\n");
    } else {
      process.stdout.write(rendered.endsWith("\n") ? rendered : rendered + "\n");
    }
    return report.ready ? 0 : 1;
  } catch (error) {
    const explained = await explainAzureFailure(error, endpoints, env);
    if (explained) throw explained;
    if (error instanceof CheckSetupError) throw new UsageError(error.message);
    const failure = serviceFailureLine(error);
    if (!failure) throw error;
    process.stderr.write(`amlvnet check: ${failure}\n`);
    return EXIT.failed;
  }
}

/** `--target a --target b,c`: names, trimmed, empty ones refused. */
function targetList(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  const names = values.flatMap((v) => v.split(",")).map((v) => v.trim());
  if (names.some((n) => !n)) throw new UsageError("--target needs a compute or online endpoint name, e.g. --target aks-inference");
  return names;
}
