import type { NetworkSecurityGroup } from "@azure/arm-network";
import { priorityAfter, priorityBefore } from "../checks/nsg-checks";
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
