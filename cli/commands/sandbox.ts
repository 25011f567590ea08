import { resolve } from "node:path";
import { DEFAULT_STATE_DIR, startSandbox } from "../../sandbox/sandbox";
import { SCENARIOS } from "../../sandbox/scenarios";
import { choiceOption, floatOption, intOption, parseCommandArgs } from "../args";

export const SANDBOX_HELP = `Usage: amlvnet sandbox [options]

Serves Microsoft Entra ID, Azure Resource Manager and Azure DevOps on one loopback HTTPS port, prints one JSON
line {"ready":true,"armEndpoint":...,"env":{...}} on stdout when ready, and runs until SIGINT or SIGTERM.
Export "env" and the Azure SDKs, az-like tools and amlvnet talk to the sandbox instead of Azure. "env" also holds
what the pipeline task needs to try workload identity federation by hand: the service connection the sandbox
trusts (AMLVNET_WIF_SERVICE_CONNECTION_ID, app AZURE_CLIENT_ID), SYSTEM_OIDCREQUESTURI and a job access token
(ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN, as the agent hands it to tasks).

Options:
  --port N             port on 127.0.0.1 (default: any free port)
  --scenario NAME      empty | reference | hub-spoke (default: empty). reference builds the source documents'
                       architecture: AML VNet, agent VNet, workspace with private endpoints, six private DNS zones,
                       peering; hub-spoke builds a landing zone: a hub subscription with an Azure Firewall, a DNS
                       Private Resolver, the central zones and the agents' spoke, the AML spoke using both
  --latency-ms N       delay every response by N ms (default 0)
  --lro-ms N           how long long-running operations take (default 0)
  --fault-rate F       share of ARM/DevOps requests answered by 429, 500 or a connection reset (default 0)
  --seed S             seed for IDs and fault choice (default 1)
  --request-log FILE   append one JSON line per request (time, method, path, status, duration)
  --page-size N        items per page of list responses before nextLink (default 50)
  --state-dir DIR      where the sandbox CA is kept and reused (default ${DEFAULT_STATE_DIR})
  --no-run-extensions  store Custom Script extensions without running their scripts (by default they run, as
                       on Azure: bash in a per-VM directory; AMLVNET_AGENT_DOWNLOAD_URL then names the sandbox's
                       agent package, whose config.sh and svc.sh register agents with the sandbox's Azure DevOps;
                       each VM also gets an SSH server, reached through the jump host AMLVNET_SSH_JUMP_HOST whose
                       key is AMLVNET_SSH_JUMP_HOST_KEY, and a boot diagnostics serial log holding its host key)
  -h, --help           show this help
`;

export async function runSandbox(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      port: { type: "string" },
      scenario: { type: "string" },
      "latency-ms": { type: "string" },
      "lro-ms": { type: "string" },
      "fault-rate": { type: "string" },
      seed: { type: "string" },
      "request-log": { type: "string" },
      "page-size": { type: "string" },
      "state-dir": { type: "string" },
      "no-run-extensions": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    "sandbox",
  );
  if (values.help) {
    process.stdout.write(SANDBOX_HELP);
    return 0;
  }
  const sandbox = await startSandbox({
    port: intOption(values.port, "port", 0, 0, 65535),
    scenario: choiceOption(values.scenario, "scenario", SCENARIOS, "empty"),
    latencyMs: intOption(values["latency-ms"], "latency-ms", 0, 0, 600000),
    lroMs: intOption(values["lro-ms"], "lro-ms", 0, 0, 3600000),
    faultRate: floatOption(values["fault-rate"], "fault-rate", 0, 0, 1),
    seed: intOption(values.seed, "seed", 1, 0, 2 ** 31 - 1),
    requestLog: values["request-log"] ? resolve(values["request-log"]) : undefined,
    pageSize: intOption(values["page-size"], "page-size", 50, 1, 1000),
    stateDir: values["state-dir"] ? resolve(values["state-dir"]) : undefined,
    runExtensions: !values["no-run-extensions"],
  });
  process.stdout.write(JSON.stringify({ ready: true, armEndpoint: sandbox.origin, env: sandbox.env }) + "\n");
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await sandbox.close();
  return 0;
}
