import type { RunningSandbox } from "../../sandbox/sandbox";
import { STAND_INS_PATH } from "../../sandbox/probe/endpoint-stand-ins";

/** The ready line's object: `-o json` prints it as one line. */
export function readyObject(sandbox: RunningSandbox, scenario: string): Record<string, unknown> {
  const ids = sandbox.scenarioIds;
  return {
    ready: true,
    armEndpoint: sandbox.origin,
    dnsServer: sandbox.dns.address,
    endpointListeners: `${sandbox.origin}${STAND_INS_PATH}`,
    ...(ids ? { scenario: { name: scenario, ...ids } } : {}),
    env: sandbox.env,
  };
}

/** Variables holding a secret: shown as *** in text (they are in -o json and the --env-out file). */
const SECRET = /SECRET|_PAT$|ACCESSTOKEN|PASSWORD/;

/** `-o text`: the same facts as readable lines, secrets hidden (a terminal or a CI log is no place for them). */
export function readyText(sandbox: RunningSandbox, scenario: string, envOut?: string): string {
  const ids = sandbox.scenarioIds;
  const dnsVnet = sandbox.dns.vnetId?.split("/").pop();
  const facts: Array<[string, string | undefined]> = [
    ["Entra ID, ARM, Azure DevOps, AML", sandbox.origin],
    [`DNS (Azure DNS as seen in ${dnsVnet ?? "no VNet"})`, sandbox.dns.address],
    ["private endpoint stand-ins", `${sandbox.origin}${STAND_INS_PATH}`],
    ["workspace", ids?.workspaceId],
    ["AML VNet", ids?.amlVnetId],
    ["agent VNet", ids?.agentVnetId],
    ["hub subscription", ids?.hubSubscriptionId],
  ];
  const width = Math.max(...facts.map(([label]) => label.length)) + 2;
  const lines = [`amlvnet sandbox ready (scenario ${scenario})`];
  for (const [label, value] of facts) if (value) lines.push(`  ${`${label}:`.padEnd(width)}${value}`);
  lines.push(
    "",
    envOut
      ? `Environment (written to ${envOut}: 'source' it in another shell; secrets shown as *** here):`
      : "Environment (secrets shown as *** here: --env-out FILE writes them for 'source', -o json prints them):",
  );
  for (const [name, value] of Object.entries(sandbox.env)) if (value !== undefined) lines.push(`  ${name}=${SECRET.test(name) ? "***" : value}`);
  lines.push("", "Serving until Ctrl-C (SIGINT) or SIGTERM.");
  return lines.join("\n") + "\n";
}
