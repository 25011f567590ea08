import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_STATE_DIR, RunningSandbox, startSandbox } from "../../sandbox/sandbox";
import { SCENARIOS } from "../../sandbox/scenarios";
import { choiceOption, ensureWritableFile, floatOption, intOption, OUTPUT_OPTIONS, outputOptions, parseCommandArgs, UsageError } from "../args";
import { EXIT, EXIT_CODES_HELP } from "../exit-codes";
import { envFileText, writePrivateFile } from "./sandbox-env-file";
import { readyObject, readyText } from "./sandbox-ready";
import { ensureStateDir } from "./state-dir";

export const SANDBOX_HELP = `Usage: amlvnet sandbox [options]

Serves Microsoft Entra ID, Azure Resource Manager and Azure DevOps on one loopback HTTPS port, and DNS as Azure DNS
answers inside one VNet, prints one JSON line {"ready":true,"armEndpoint":...,"dnsServer":...,"endpointListeners":...,
"scenario":{...},"env":{...}} on stdout when ready (-o text: the same as readable lines, secrets hidden), and runs
until SIGINT or SIGTERM (then removes the VMs' directories).
Export "env" (or source --env-out) and the Azure SDKs, az-like tools and amlvnet talk to the sandbox instead of Azure.
"env" also holds what the pipeline task needs to try workload identity federation by hand: the service connection
the sandbox trusts (AMLVNET_WIF_SERVICE_CONNECTION_ID, app AZURE_CLIENT_ID), SYSTEM_OIDCREQUESTURI and a job access
token (ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN, as the agent hands it to tasks).
"endpointListeners" is a URL: GET it for the loopback listeners standing in for the services behind the private
endpoints ({"listeners":[{"ip":"10.10.2.4","port":443,"host":"127.0.0.1","listenPort":...}]}), for a probe whose TCP
must stay on this machine (the sandbox answers on no 10.x address).

Options:
  -o, --output FORMAT  json | text (default: json, the ready line scripts parse); --format FORMAT is the same option
  --out-file FILE      write the ready output to FILE (whole, when ready) instead of stdout
  --port N             port on 127.0.0.1 (default: any free port)
  --scenario NAME      empty | reference | hub-spoke (default: empty). reference builds the source documents'
                       architecture: AML VNet, agent VNet, workspace with private endpoints, six private DNS zones,
                       peering; hub-spoke builds a landing zone: a hub subscription with an Azure Firewall, a DNS
                       Private Resolver, the central zones and the agents' spoke, the AML spoke using both. The
                       ready line's "scenario" names the workspace, AML VNet and agent VNet IDs (and the hub
                       subscription); the env file has them as AMLVNET_SANDBOX_WORKSPACE_ID, ..._AML_VNET_ID,
                       ..._AGENT_VNET_ID (and ..._HUB_SUBSCRIPTION_ID)
  --env-out FILE       write the env as 'export NAME=value' lines for bash's 'source' (mode 0600: it holds the
                       secrets), plus the scenario's IDs and AMLVNET_SANDBOX_DNS_SERVER
  --dns-vnet ID        answer DNS as Azure DNS does inside this VNet: from the private DNS zones linked to it
                       (default: the scenario's agent VNet); use it with 'check --probe --dns-server <dnsServer>'
  --dns-port N         UDP and TCP port of the DNS server on 127.0.0.1 (default: any free port)
  --latency-ms N       delay every response by N ms (default 0)
  --lro-ms N           how long long-running operations take (default 0)
  --fault-rate F       share of ARM/DevOps requests answered by 429, 500 or a connection reset (default 0)
  --seed S             seed for IDs and fault choice (default 1)
  --request-log FILE   append one JSON line per request: time, method, path, status, duration, fault, the
                       long-running operation and Retry-After, and write bodies with every secret redacted
                       (protectedSettings, passwords, client secrets, tokens, assertions, and any PAT or client
                       secret the sandbox issued, wherever it appears); token requests' bodies are never logged
  --page-size N        items per page of list responses before nextLink (default 50)
  --state-dir DIR      where the sandbox CA is kept and reused (default ${DEFAULT_STATE_DIR})
  --ssh-authorized-key FILE
                       an OpenSSH public key file the jump host accepts (repeatable), for 'bootstrap: ssh' before
                       any VM exists (the jump host also accepts every VM's own keys)
  --no-run-extensions  store Custom Script extensions without running their scripts (by default they run, as
                       on Azure: bash in a per-VM directory; AMLVNET_AGENT_DOWNLOAD_URL then names the sandbox's
                       agent package, whose config.sh and svc.sh register agents with the sandbox's Azure DevOps;
                       each VM also gets an SSH server, reached through the jump host AMLVNET_SSH_JUMP_HOST whose
                       key is AMLVNET_SSH_JUMP_HOST_KEY, and a boot diagnostics serial log holding its host key)
  --debug              print the stack trace of an unexpected error
  -h, --help           show this help

${EXIT_CODES_HELP}
`;

function readAuthorizedKeys(files: string[]): string[] {
  return files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(resolve(file), "utf8");
    } catch (error) {
      throw new UsageError(
        `--ssh-authorized-key ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}): give an OpenSSH public key file such as ~/.ssh/id_ed25519.pub`,
      );
    }
    const keys = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#"));
    if (!keys.length || keys.some((key) => !/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+/.test(key))) {
      throw new UsageError(`--ssh-authorized-key ${file} is not an OpenSSH public key file (lines like 'ssh-ed25519 AAAA... comment')`);
    }
    return keys;
  });
}

/** EADDRINUSE on --port or --dns-port as the usage error it is (exit 2), naming the flag. */
function portTaken(error: unknown, options: { port: number; dnsPort: number }): UsageError | undefined {
  const { code, port } = error as { code?: string; port?: number };
  if (code !== "EADDRINUSE") return undefined;
  const flag = port === options.dnsPort && port !== options.port ? "--dns-port" : port === options.port ? "--port" : undefined;
  if (!flag) return undefined;
  return new UsageError(`${flag} ${port} is already in use on 127.0.0.1 (EADDRINUSE): give another port, or leave ${flag} out for any free one`);
}

/** The ready line's scenario block and the env file's extra variables. */
function scenarioEnv(sandbox: RunningSandbox): Record<string, string | undefined> {
  const ids = sandbox.scenarioIds;
  return {
    AMLVNET_SANDBOX_DNS_SERVER: sandbox.dns.address,
    AMLVNET_SANDBOX_WORKSPACE_ID: ids?.workspaceId,
    AMLVNET_SANDBOX_AML_VNET_ID: ids?.amlVnetId,
    AMLVNET_SANDBOX_AGENT_VNET_ID: ids?.agentVnetId,
    AMLVNET_SANDBOX_HUB_SUBSCRIPTION_ID: ids?.hubSubscriptionId,
  };
}

export async function runSandbox(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      port: { type: "string" },
      scenario: { type: "string" },
      "env-out": { type: "string" },
      "dns-vnet": { type: "string" },
      "dns-port": { type: "string" },
      "latency-ms": { type: "string" },
      "lro-ms": { type: "string" },
      "fault-rate": { type: "string" },
      seed: { type: "string" },
      "request-log": { type: "string" },
      "page-size": { type: "string" },
      "state-dir": { type: "string" },
      "ssh-authorized-key": { type: "string", multiple: true },
      "no-run-extensions": { type: "boolean" },
      ...OUTPUT_OPTIONS,
      help: { type: "boolean", short: "h" },
    },
    "sandbox",
  );
  if (values.help) {
    process.stdout.write(SANDBOX_HELP);
    return EXIT.ok;
  }
  const { format, outFile } = outputOptions(values, ["json", "text"] as const);
  const scenario = choiceOption(values.scenario, "scenario", SCENARIOS, "empty");
  const dnsVnet = values["dns-vnet"];
  if (dnsVnet !== undefined && !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i.test(dnsVnet)) {
    throw new UsageError(
      `--dns-vnet '${dnsVnet}' is not a VNet resource ID; expected /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<name>`,
    );
  }
  const runExtensions = !values["no-run-extensions"];
  const authorizedKeys = readAuthorizedKeys(values["ssh-authorized-key"] ?? []);
  if (authorizedKeys.length && !runExtensions)
    throw new UsageError("--ssh-authorized-key needs the VMs' SSH servers, which --no-run-extensions turns off; drop one of them");
  const options = {
    port: intOption(values.port, "port", 0, 0, 65535),
    dnsPort: intOption(values["dns-port"], "dns-port", 0, 0, 65535),
    scenario,
    dnsVnetId: dnsVnet,
    latencyMs: intOption(values["latency-ms"], "latency-ms", 0, 0, 600000),
    lroMs: intOption(values["lro-ms"], "lro-ms", 0, 0, 3600000),
    faultRate: floatOption(values["fault-rate"], "fault-rate", 0, 0, 1),
    seed: intOption(values.seed, "seed", 1, 0, 2 ** 31 - 1),
    requestLog: values["request-log"] ? resolve(values["request-log"]) : undefined,
    pageSize: intOption(values["page-size"], "page-size", 50, 1, 1000),
    stateDir: ensureStateDir(values["state-dir"] ?? DEFAULT_STATE_DIR),
    runExtensions,
  };
  for (const [flag, file] of [
    ["--env-out", values["env-out"]],
    ["--request-log", values["request-log"]],
  ] as const)
    if (file !== undefined) ensureWritableFile(flag, file);
  const sandbox = await startSandbox(options).catch((error: unknown) => {
    throw portTaken(error, options) ?? error;
  });
  for (const key of authorizedKeys) sandbox.ssh?.authorizeOnJumpHost(key);
  const extra = scenarioEnv(sandbox);
  if (values["env-out"]) writePrivateFile(resolve(values["env-out"]), envFileText({ ...sandbox.env, ...extra }));
  // Listen for the stop signals before saying "ready": a script may send SIGTERM the moment it reads the line.
  const stopped = new Promise<void>((done) => {
    const stop = () => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  const envOut = values["env-out"] ? resolve(values["env-out"]) : undefined;
  const ready = format === "json" ? JSON.stringify(readyObject(sandbox, scenario)) + "\n" : readyText(sandbox, scenario, envOut);
  if (outFile) {
    writePrivateFile(resolve(outFile), ready);
    process.stderr.write(`amlvnet sandbox: ready at ${sandbox.origin}; the ${format} ready output is in ${resolve(outFile)}\n`);
  } else {
    process.stdout.write(ready);
  }
  await stopped;
  await sandbox.close();
  return EXIT.ok;
}
