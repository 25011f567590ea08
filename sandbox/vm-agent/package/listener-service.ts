import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { AGENT_VERSION } from "./agent-version";
import { ConfigurationError } from "./listener-args";
import { accessToken, serviceNames, Terminal } from "./listener-config";
import { AgentSettings, CredentialData, FILES, readJson, remove, utcStamp, writeJson } from "./listener-files";
import { objectOf, send } from "./listener-http";

/**
 * The listener's connection to the service: like the real agent it authenticates with its own key (OAuth client
 * assertion, never the PAT) and creates a session in its pool, which the service shows as the agent being online.
 * The sandbox runs no job loop: `service start` opens the session and returns (what `systemctl start` leaves
 * running), `service stop` closes it; `run` holds one until SIGINT/SIGTERM.
 */

const SESSION_API = "7.1-preview.1";

interface StoredSession {
  sessionId: string;
  poolId: number;
}

function loadConfiguration(root: string): { settings: AgentSettings; credential: CredentialData } {
  const settings = readJson<AgentSettings>(root, FILES.settings);
  const credential = readJson<CredentialData>(root, FILES.credentials);
  if (!settings || !credential) throw new ConfigurationError("Agent is not configured.");
  return { settings, credential };
}

function sessionsUrl(settings: AgentSettings): string {
  return `${settings.serverUrl.replace(/\/+$/, "")}/_apis/distributedtask/pools/${settings.poolId}/sessions`;
}

/** The sandbox ties a session to the VM that opened it (so deleting the VM takes its agents offline). */
function vmHeader(): Record<string, string> {
  return process.env.AMLVNET_VM_ID ? { "X-Amlvnet-Vm-Id": process.env.AMLVNET_VM_ID } : {};
}

async function openSession(root: string): Promise<StoredSession> {
  const { settings, credential } = loadConfiguration(root);
  const bearer = await accessToken(root, credential);
  await closeSession(root, bearer);
  const session = await send(
    "POST",
    sessionsUrl(settings),
    { bearer },
    {
      apiVersion: SESSION_API,
      headers: vmHeader(),
      json: {
        ownerName: process.env.AMLVNET_VM_COMPUTER_NAME ?? hostname(),
        agent: { id: settings.agentId, name: settings.agentName, version: AGENT_VERSION, osDescription: "Linux" },
        useFipsEncryption: false,
      },
    },
  );
  const stored = { sessionId: String(objectOf(session).sessionId), poolId: settings.poolId };
  writeJson(root, FILES.session, stored, 0o600);
  return stored;
}

/** Deletes the session this agent root holds, if any (a gone session is fine: the service dropped it). */
async function closeSession(root: string, bearer?: string): Promise<void> {
  const stored = readJson<StoredSession>(root, FILES.session);
  if (!stored) return;
  const { settings, credential } = loadConfiguration(root);
  const token = bearer ?? (await accessToken(root, credential));
  try {
    await send("DELETE", `${sessionsUrl(settings)}/${stored.sessionId}`, { bearer: token }, { apiVersion: SESSION_API, headers: vmHeader() });
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
  }
  remove(root, FILES.session);
}

/** `svc.sh start|stop|status` (through bin/Agent.Listener service ...). */
export async function service(action: string | undefined, root: string, term: Terminal): Promise<void> {
  switch (action) {
    case "start":
      await openSession(root);
      return;
    case "stop":
      await closeSession(root);
      return;
    case "status": {
      const { settings } = loadConfiguration(root);
      const { description } = serviceNames(settings);
      const unitName = existsSync(join(root, FILES.service)) ? readFileSync(join(root, FILES.service), "utf8").trim() : "(not installed)";
      const active = existsSync(join(root, FILES.session));
      term.line(`${active ? "●" : "○"} ${unitName} - ${description}`);
      term.line(`     Loaded: loaded (${unitName}; enabled; vendor preset: enabled)`);
      term.line(`     Active: ${active ? "active (running)" : "inactive (dead)"}`);
      return;
    }
    default:
      throw new ConfigurationError(`Unknown service action '${action ?? ""}'. Use start, stop or status.`);
  }
}

/** `run.sh`: listens (holds a session) until SIGINT or SIGTERM, then closes the session. */
export async function run(root: string, term: Terminal): Promise<void> {
  term.line("Scanning for tool capabilities.");
  term.line("Connecting to the server.");
  await openSession(root);
  term.line(`${utcStamp()}: Listening for Jobs`);
  await new Promise<void>((resolve) => {
    const keepAlive = setInterval(() => undefined, 60_000);
    const stop = () => {
      clearInterval(keepAlive);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  term.line("Exiting...");
  await closeSession(root);
}
