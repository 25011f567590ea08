import { createHash } from "node:crypto";

/** What the agent script needs; none of it is secret (the PAT travels separately, on file descriptor 3). */
export interface AgentScriptInputs {
  organizationUrl: string;
  pool: string;
  agentName: string;
  downloadUrl: string;
  /** The VM's admin user, who runs the agent service. */
  runAs: string;
}

/** A POSIX shell single-quoted word: the value exactly, whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The bash script that installs the Azure Pipelines agent: download (once), `config.sh --unattended ... --replace`
 * reading the PAT from VSTS_AGENT_INPUT_TOKEN (the agent drops it from its environment), then the service. It is
 * re-runnable: a configured agent (.agent) is not configured again, an installed service (.service) not reinstalled.
 */
export function agentScript(inputs: AgentScriptInputs): string {
  return [
    "set -euo pipefail",
    "umask 022",
    `ORG_URL=${shellQuote(inputs.organizationUrl)}`,
    `POOL=${shellQuote(inputs.pool)}`,
    `AGENT_NAME=${shellQuote(inputs.agentName)}`,
    `DOWNLOAD_URL=${shellQuote(inputs.downloadUrl)}`,
    `RUN_AS=${shellQuote(inputs.runAs)}`,
    // The PAT arrives on file descriptor 3 (a here-document or the SSH channel), never in an argv or a file.
    'if [ -z "${VSTS_AGENT_INPUT_TOKEN:-}" ]; then IFS= read -r VSTS_AGENT_INPUT_TOKEN <&3 2>/dev/null || true; fi',
    "exec 3<&-",
    'if [ -z "${VSTS_AGENT_INPUT_TOKEN:-}" ]; then echo "amlvnet: no PAT reached the script (VSTS_AGENT_INPUT_TOKEN or file descriptor 3)" >&2; exit 2; fi',
    "export VSTS_AGENT_INPUT_TOKEN",
    // AMLVNET_AGENT_DIR, set in the VM's environment, overrides the folder (the sandbox's VMs set it under their root).
    'AGENT_DIR="${AMLVNET_AGENT_DIR:-/opt/azagent}"',
    'if ! mkdir -p "$AGENT_DIR" 2>/dev/null || [ ! -w "$AGENT_DIR" ]; then AGENT_DIR="$PWD/azagent"; mkdir -p "$AGENT_DIR"; fi',
    'cd "$AGENT_DIR"',
    "if [ ! -x ./config.sh ]; then",
    '  echo "amlvnet: downloading the agent from $DOWNLOAD_URL"',
    '  curl -fsSL --retry 5 --retry-delay 3 -o agent.tar.gz "$DOWNLOAD_URL"',
    "  tar -xzf agent.tar.gz",
    "  rm -f agent.tar.gz",
    "fi",
    "export AGENT_ALLOW_RUNASROOT=1",
    "if [ ! -f .agent ]; then",
    '  ./config.sh --unattended --url "$ORG_URL" --auth pat --pool "$POOL" --agent "$AGENT_NAME" --replace --acceptTeeEula --work _work',
    "fi",
    "unset VSTS_AGENT_INPUT_TOKEN",
    "if [ ! -f .service ]; then",
    '  if [ "$(id -u)" = 0 ] && id "$RUN_AS" >/dev/null 2>&1; then chown -R "$RUN_AS" "$AGENT_DIR"; ./svc.sh install "$RUN_AS"; else ./svc.sh install; fi',
    "fi",
    "./svc.sh start",
    'echo "amlvnet: agent $AGENT_NAME is configured in pool $POOL"',
    "",
  ].join("\n");
}

const TOKEN_DELIMITER = "AMLVNET_PAT_END";

/** `exec bash -c <script>`: the shell that starts it is replaced at once, so nothing lingers holding the PAT. */
function execScript(script: string): string {
  const encoded = Buffer.from(script, "utf8").toString("base64");
  return `exec bash -c "$(printf %s ${encoded} | base64 -d)" amlvnet-agent`;
}

/**
 * The Custom Script extension's commandToExecute (protectedSettings only). Azure runs it as `/bin/bash -c <it>`
 * (custom-script-extension-linux main/exec.go), so a PAT written into the command would sit in that bash's argv
 * (readable in /proc by every VM user) for the whole run. Instead the PAT is a here-document on file descriptor 3
 * and bash execs the script at once: the PAT leaves argv within milliseconds and never touches the disk.
 */
export function commandToExecute(script: string, pat: string): string {
  if (/[\r\n]/.test(pat) || pat.includes(TOKEN_DELIMITER))
    throw new Error("the PAT holds a line break: copy it again from Azure DevOps (User settings > Personal access tokens)");
  return `${execScript(script)} 3<<'${TOKEN_DELIMITER}'\n${pat}\n${TOKEN_DELIMITER}\n`;
}

/** The remote command for SSH: the PAT is the first line the provisioner writes to the channel's stdin. */
export function sshCommand(script: string): string {
  return `${execScript(script)} 3<&0`;
}

/** A fingerprint of the script (no secret in it), kept in a tag so a re-run can tell whether it changed. */
export function scriptFingerprint(script: string): string {
  return createHash("sha256").update(script).digest("hex").slice(0, 16);
}
