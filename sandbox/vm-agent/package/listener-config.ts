import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { AGENT_VERSION } from "./agent-version";
import { CommandSettings, ConfigurationError } from "./listener-args";
import { AgentSettings, clientAssertion, createAgentKey, CredentialData, FILES, readJson, remove, utcStamp, writeJson } from "./listener-files";
import { objectOf, send, ServiceError } from "./listener-http";

/** `config.sh` and `config.sh remove`: the steps and console lines of the agent's ConfigurationManager. */

export interface Terminal {
  line(text?: string): void;
  error(text: string): void;
}

const API = "7.1";

function section(term: Terminal, title: string): void {
  term.line();
  term.line(`>> ${title}:`);
  term.line();
}

function serverUrl(settings: CommandSettings): string {
  return settings.required("url").replace(/\/+$/, "");
}

/** The PAT, after checking the auth type (the sandbox agent supports PAT authentication only). */
function patOf(settings: CommandSettings): string {
  const auth = (settings.value("auth") ?? "pat").toLowerCase();
  if (auth !== "pat") throw new ConfigurationError(`The amlvnet sandbox agent supports --auth pat only (got '${auth}').`);
  return settings.required("token");
}

async function testConnection(term: Terminal, url: string, pat: string): Promise<void> {
  term.line("Connecting to server ...");
  await send("GET", `${url}/_apis/connectionData?connectOptions=1&lastChangeId=-1&lastChangeId64=-1`, { pat }, { apiVersion: "7.1-preview.1" });
}

/** Capabilities as the agent reports them: its own facts, then the environment (VSTS_AGENT_INPUT_* already gone). */
function systemCapabilities(root: string, agentName: string): Record<string, string> {
  const capabilities: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("AMLVNET_")) capabilities[key] = value;
  return {
    ...capabilities,
    "Agent.Name": agentName,
    "Agent.Version": AGENT_VERSION,
    "Agent.ComputerName": process.env.AMLVNET_VM_COMPUTER_NAME ?? hostname(),
    "Agent.HomeDirectory": root,
    "Agent.OS": "Linux",
    "Agent.OSArchitecture": "X64",
  };
}

/** TaskAgent as the service returns it: sent back whole on replace, so its other fields stay as they came. */
type TaskAgent = Record<string, unknown> & { id: number };

/** The first item of a list response (`{count, value: [...]}`), if it is an object. */
function firstOf(list: unknown): Record<string, unknown> | undefined {
  const value = objectOf(list).value;
  return Array.isArray(value) && typeof value[0] === "object" && value[0] !== null ? objectOf(value[0]) : undefined;
}

function taskAgentOf(value: unknown): TaskAgent | undefined {
  const agent = objectOf(value);
  return typeof agent.id === "number" ? { ...agent, id: agent.id } : undefined;
}

/** The agent's OAuth registration: client ID, token URL and the public key the service holds. */
function authorizationOf(agent: TaskAgent): { clientId: string; authorizationUrl: string; modulus: unknown } {
  const authorization = objectOf(agent.authorization);
  return {
    clientId: String(authorization.clientId ?? ""),
    authorizationUrl: String(authorization.authorizationUrl ?? ""),
    modulus: objectOf(authorization.publicKey).modulus,
  };
}

async function findAgent(url: string, pat: string, poolId: number, name: string): Promise<TaskAgent | undefined> {
  const agents = await send("GET", `${url}/_apis/distributedtask/pools/${poolId}/agents?agentName=${encodeURIComponent(name)}`, { pat }, { apiVersion: API });
  return taskAgentOf(firstOf(agents));
}

/** systemd-escape --path, as the generated svc.sh applies it to the unit name. */
function systemdEscape(name: string): string {
  return name.replace(/[^A-Za-z0-9:_.]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`).replace(/^\./, "\\x2e");
}

export function serviceNames(settings: AgentSettings): { unit: string; description: string } {
  const server = new URL(settings.serverUrl);
  const account = server.hostname === "dev.azure.com" ? (server.pathname.split("/").filter(Boolean)[0] ?? "") : server.hostname.split(".")[0];
  const id = `${account}.${settings.poolName}.${settings.agentName}`;
  return { unit: systemdEscape(`vsts.agent.${id}.service`), description: `Azure Pipelines Agent (${id})` };
}

function generateServiceScript(root: string, settings: AgentSettings): void {
  const { unit, description } = serviceNames(settings);
  const template = readFileSync(join(root, "bin", "systemd.svc.sh.template"), "utf8");
  const script = template.replace("{{SvcNameVar}}", () => unit).replace("{{SvcDescription}}", () => description);
  writeFileSync(join(root, "svc.sh"), script);
  chmodSync(join(root, "svc.sh"), 0o755);
}

export async function configure(settings: CommandSettings, root: string, term: Terminal): Promise<void> {
  if (existsSync(join(root, FILES.settings))) {
    throw new ConfigurationError(
      "Cannot configure the agent because it is already configured. To reconfigure the agent, run 'config.cmd remove' or './config.sh remove' first.",
    );
  }
  section(term, "End User License Agreements");
  const eula = join(root, "externals", "tee", "license.html");
  if (!existsSync(eula)) throw new ConfigurationError(`File not found: '${eula}'`);
  term.line(
    "Building sources from a TFVC repository requires accepting the Team Explorer Everywhere End User License Agreement. This step is not required for building sources from Git repositories.",
  );
  term.line();
  term.line("A copy of the Team Explorer Everywhere license agreement can be found at:");
  term.line(`  ${eula}`);
  term.line();
  section(term, "Connect");
  const url = serverUrl(settings);
  const pat = patOf(settings);
  try {
    await testConnection(term, url, pat);
  } catch (error) {
    if (!settings.flag("unattended")) term.error("Failed to connect.  Try again or ctrl-c to quit");
    throw error;
  }
  const publicKey = createAgentKey(root);
  section(term, "Register Agent");
  const poolName = settings.value("pool") ?? "default";
  const pools = await send("GET", `${url}/_apis/distributedtask/pools?poolName=${encodeURIComponent(poolName)}`, { pat }, { apiVersion: API });
  const found = firstOf(pools);
  if (!found || typeof found.id !== "number") throw new ConfigurationError(`Agent pool not found: '${poolName}'`);
  const pool = { id: found.id, name: String(found.name) };
  const agentName = settings.value("agent") ?? process.env.AMLVNET_VM_COMPUTER_NAME ?? hostname();
  term.line("Scanning for tool capabilities.");
  const capabilities = systemCapabilities(root, agentName);
  term.line("Connecting to the server.");
  const desired = {
    name: agentName,
    version: AGENT_VERSION,
    osDescription: "Linux (amlvnet sandbox VM)",
    maxParallelism: 1,
    authorization: { publicKey },
    systemCapabilities: capabilities,
  };
  let agent = await findAgent(url, pat, pool.id, agentName);
  if (agent && !settings.flag("replace")) throw new ConfigurationError(`Pool ${pool.id} already contains an agent with name ${agentName}.`);
  if (!agent) {
    try {
      agent = taskAgentOf(await send("POST", `${url}/_apis/distributedtask/pools/${pool.id}/agents`, { pat }, { apiVersion: API, json: desired }));
      term.line("Successfully added the agent");
    } catch (error) {
      // A retried POST the service had already applied answers 409: the agent exists now (with our key if it was ours).
      if (!(error instanceof ServiceError && error.status === 409)) throw error;
      agent = await findAgent(url, pat, pool.id, agentName);
      if (!agent) throw error;
      if (authorizationOf(agent).modulus === publicKey.modulus) term.line("Successfully added the agent");
      else if (!settings.flag("replace")) throw new ConfigurationError(`Pool ${pool.id} already contains an agent with name ${agentName}.`);
    }
  }
  if (!agent) throw new ConfigurationError(`The service did not return the agent ${agentName} it added to pool ${pool.id}.`);
  if (authorizationOf(agent).modulus !== publicKey.modulus) {
    const replaced = taskAgentOf(
      await send(
        "PUT",
        `${url}/_apis/distributedtask/pools/${pool.id}/agents/${agent.id}`,
        { pat },
        { apiVersion: API, json: { ...agent, ...desired, id: agent.id } },
      ),
    );
    if (!replaced) throw new ConfigurationError(`The service did not return the agent ${agentName} it replaced in pool ${pool.id}.`);
    agent = replaced;
    term.line("Successfully replaced the agent");
  }
  const { clientId, authorizationUrl } = authorizationOf(agent);
  const credential: CredentialData = {
    scheme: "OAuth",
    data: { clientId, authorizationUrl, oauthEndpointUrl: authorizationUrl },
  };
  writeJson(root, FILES.credentials, credential, 0o600);
  term.line("Testing agent connection.");
  await accessToken(root, credential);
  const agentSettings: AgentSettings = {
    agentId: agent.id,
    agentName,
    poolId: pool.id,
    poolName: pool.name,
    serverUrl: `${url}/`,
    workFolder: settings.value("work") ?? "_work",
  };
  writeJson(root, FILES.settings, agentSettings);
  term.line(`${utcStamp()}: Settings Saved.`);
  generateServiceScript(root, agentSettings);
}

/** OAuth client-credentials grant with the agent's signed assertion: what the listener authenticates with. */
export async function accessToken(root: string, credential: CredentialData): Promise<string> {
  const { clientId, oauthEndpointUrl } = credential.data;
  const token = await send(
    "POST",
    oauthEndpointUrl,
    { none: true },
    {
      form: {
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: clientAssertion(root, clientId, oauthEndpointUrl),
      },
    },
  );
  return String(objectOf(token).access_token);
}

export async function unconfigure(settings: CommandSettings, root: string, term: Terminal): Promise<void> {
  let action = "";
  try {
    if (existsSync(join(root, FILES.service))) {
      action = "Removing service";
      term.line(action);
      throw new ConfigurationError("Unconfigure service first according to https://www.visualstudio.com/en-us/docs/build/admin/agents/v2-linux");
    }
    action = "Removing agent from the server";
    term.line(action);
    const stored = readJson<AgentSettings>(root, FILES.settings);
    if (stored && existsSync(join(root, FILES.credentials))) {
      const url = stored.serverUrl.replace(/\/+$/, "");
      const pat = patOf(settings);
      await testConnection(term, url, pat);
      const agent = await findAgent(url, pat, stored.poolId, stored.agentName);
      if (!agent) term.line(`Does not exist. Skipping ${action}`);
      else {
        await send("DELETE", `${url}/_apis/distributedtask/pools/${stored.poolId}/agents/${agent.id}`, { pat }, { apiVersion: API });
        term.line(`Succeeded: ${action}`);
      }
    } else {
      term.line("Cannot connect to server, because config files are missing. Skipping removing agent from the server.");
    }
    action = "Removing .credentials";
    term.line(action);
    const hadCredentials = remove(root, FILES.credentials);
    remove(root, FILES.rsa);
    term.line(hadCredentials ? `Succeeded: ${action}` : `Does not exist. Skipping ${action}`);
    action = "Removing .agent";
    term.line(action);
    term.line(remove(root, FILES.settings) ? `Succeeded: ${action}` : `Does not exist. Skipping ${action}`);
  } catch (error) {
    term.line(`Failed: ${action}`);
    throw error;
  }
}
