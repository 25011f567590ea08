import type { NetworkSecurityGroup } from "@azure/arm-network";
import { priorityAfter, priorityBefore } from "../checks/nsg-checks";
import { NSG_RULE_CREATE } from "../checks/nsg-fix-plan";
import type { FlowVerdict } from "../nsg/evaluate";
import { idParts } from "../topology/arm-id";
import type { PathTarget } from "./types";

/** An allow rule just before the blocking rule (moving the blocker back when nothing is free before it). */
function allowRule(
  nsg: NetworkSecurityGroup | undefined,
  verdict: FlowVerdict,
  direction: "Inbound" | "Outbound",
  name: string,
  source: string,
  destination: string,
  port: number,
): string {
  if (!nsg?.id) return `Allow ${direction.toLowerCase()} TCP ${port} from ${source} to ${destination} in the NSG that blocks it.`;
  const { subscriptionId, resourceGroup, name: nsgName } = idParts(nsg.id);
  const blocker = verdict.blockedBy;
  let priority = priorityBefore(nsg, direction, blocker?.priority ?? 4096);
  let move = "";
  if (priority === undefined && blocker && blocker.nsgId.toLowerCase() === nsg.id.toLowerCase()) {
    move = `az network nsg rule update --subscription ${subscriptionId} --resource-group ${resourceGroup} --nsg-name ${nsgName} --name ${blocker.ruleName} --priority ${priorityAfter(nsg, direction, blocker.priority)} && `;
    priority = blocker.priority;
  }
  return `${move}az network nsg rule create --subscription ${subscriptionId} --resource-group ${resourceGroup} --nsg-name ${nsgName} --name ${name} --priority ${priority ?? 100} --direction ${direction} --access Allow --protocol Tcp --source-address-prefixes ${source} --destination-address-prefixes ${destination} --source-port-ranges '*' --destination-port-ranges ${port}`;
}

export function outboundFix(nsg: NetworkSecurityGroup | undefined, verdict: FlowVerdict, target: PathTarget): string {
  return allowRule(nsg, verdict, "Outbound", `Allow-${target.name}-${target.port}`, "VirtualNetwork", target.ip, target.port);
}

export function inboundFix(nsg: NetworkSecurityGroup, verdict: FlowVerdict, sourceCidr: string, target: PathTarget): string {
  return allowRule(nsg, verdict, "Inbound", `Allow-${target.port}-to-${target.name}`, sourceCidr, target.ip, target.port);
}

/**
 * One fix for every address of an endpoint that one hop blocks: the path model writes one command per address, and
 * two addresses of one endpoint and port (a registry's login and data IPs, a workspace's API and notebook IPs) ask
 * for the same rule name, so those commands become one rule listing every address; other commands (a route, a
 * peering, the move of a blocking rule) are kept once each, in order.
 */
export function mergeAllowFixes(fixes: string[]): string {
  const commands: string[] = [];
  const rules = new Map<string, number>();
  for (const command of fixes.flatMap((fix) => fix.split(" && "))) {
    const rule = NSG_RULE_CREATE.exec(command);
    const key = rule ? rule.slice(1, 5).join("/").toLowerCase() : undefined;
    const at = key === undefined ? undefined : rules.get(key);
    if (at !== undefined) {
      commands[at] = withAddresses(commands[at], command);
      continue;
    }
    if (commands.includes(command)) continue;
    if (key) rules.set(key, commands.length);
    commands.push(command);
  }
  return commands.join(" && ");
}

/** The first rule's command with the second's destination addresses added (both directions name the endpoint there). */
function withAddresses(first: string, second: string): string {
  const pattern = /--destination-address-prefixes (\S+(?: (?!--)\S+)*)/;
  const mine = pattern.exec(first)?.[1].split(" ") ?? [];
  const theirs = pattern.exec(second)?.[1].split(" ") ?? [];
  return first.replace(pattern, `--destination-address-prefixes ${[...new Set([...mine, ...theirs])].join(" ")}`);
}
