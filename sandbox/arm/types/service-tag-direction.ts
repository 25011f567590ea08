import { ArmError } from "../arm-error";

/**
 * Service tags Microsoft lists as inbound-only ("Can use inbound or outbound?" = Inbound) in the service tags table,
 * MicrosoftDocs/azure-docs articles/virtual-network/service-tags-overview.md (2023 revision). Their prefixes are
 * where the service connects *from*; none of them holds what a VM connects *to*. For AzureDevOps this is explicit:
 * MicrosoftDocs/azure-devops-docs docs/organizations/security/allow-list-ip-url.md — "Azure Service Tags aren't
 * supported for outbound connections" (agents reach dev.azure.com on 13.107.6.0/24, 13.107.9.0/24, 13.107.42.0/24,
 * 13.107.43.0/24, which are not in the AzureDevOps tag), and a Microsoft answer in MicrosoftDocs/azure-docs#71447:
 * "Outbound IP's will not be part of the Azure DevOps Service Tag".
 *
 * Evidence on the refusal itself is thin: the same article calls the direction column "a recommendation", and no
 * published ARM error for this case was found. The sandbox refuses anyway (it fails safe: an outbound rule to such a
 * tag allows nothing a VM needs, so a product that writes one is wrong on Azure too) and answers with the code ARM
 * uses for a destination prefix it does not accept, SecurityRuleInvalidAddressPrefix, and its message shape
 * ("Security rule has invalid Address prefix. Value provided: X").
 */
export const INBOUND_ONLY_SERVICE_TAGS: readonly string[] = [
  "ActionGroup",
  "ApiManagement",
  "ApplicationInsightsAvailability",
  "AzureCognitiveSearch",
  "AzureDataExplorerManagement",
  "AzureDevOps",
  "AzureDigitalTwins",
  "AzureLoadTestingInstanceManagement",
  "AzureMachineLearningInference",
  "AzureSentinel",
  "AzureTrafficManager",
  "GatewayManager",
  "HDInsight",
  "LogicAppsManagement",
  "M365ManagementActivityApiWebhook",
];

const INBOUND_ONLY = new Set(INBOUND_ONLY_SERVICE_TAGS.map((tag) => tag.toLowerCase()));

/** The inbound-only tag a prefix names, global or regional ("AzureDevOps", "AzureDevOps.WestEurope"), if any. */
export function inboundOnlyTag(prefix: string): string | undefined {
  const family = prefix.split(".")[0].toLowerCase();
  return INBOUND_ONLY.has(family) ? INBOUND_ONLY_SERVICE_TAGS.find((tag) => tag.toLowerCase() === family) : undefined;
}

/** Refuses an outbound rule whose destination is an inbound-only service tag. */
export function checkOutboundDestinations(direction: string, destinations: readonly string[], where: string): void {
  if (direction.toLowerCase() !== "outbound") return;
  for (const destination of destinations) {
    const tag = inboundOnlyTag(destination);
    if (!tag) continue;
    throw new ArmError(
      400,
      "SecurityRuleInvalidAddressPrefix",
      `Security rule ${where} has invalid Address prefix. Value provided: ${destination}. Service tag ${tag} is for inbound traffic only and cannot be the destination of an outbound rule; use the destination's address prefixes or a tag that covers them (for example Internet or AzureCloud).`,
    );
  }
}
