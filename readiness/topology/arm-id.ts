import { CheckSetupError } from "../errors";

export interface ArmId {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  provider: string;
  type: string;
  name: string;
}

const TOP_LEVEL = /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i;

/** Parses a top-level resource ID of an expected type, or throws a one-line error naming the input. */
export function parseArmId(id: string, expectedType: string, inputName: string): ArmId {
  const match = TOP_LEVEL.exec(id.trim());
  if (!match || `${match[3]}/${match[4]}`.toLowerCase() !== expectedType.toLowerCase()) {
    throw new CheckSetupError(
      `${inputName} '${id}' is not a ${expectedType} resource ID; expected /subscriptions/<guid>/resourceGroups/<rg>/providers/${expectedType}/<name>`,
    );
  }
  return { id: id.trim(), subscriptionId: match[1].toLowerCase(), resourceGroup: match[2], provider: match[3], type: match[4], name: match[5] };
}

/** Subscription, resource group and name of any resource ID (child IDs give the top-level parent's group). */
export function idParts(id: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const parts = id.split("/");
  return { subscriptionId: (parts[2] ?? "").toLowerCase(), resourceGroup: parts[4] ?? "", name: parts[parts.length - 1] ?? "" };
}

export function shortName(id: string | undefined): string {
  return id ? (id.split("/").pop() ?? id) : "(none)";
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a.toLowerCase() === b.toLowerCase();
}

/** The VNet ID of a subnet ID. */
export function vnetIdOfSubnet(subnetId: string): string {
  return subnetId.replace(/\/subnets\/[^/]+$/i, "");
}
