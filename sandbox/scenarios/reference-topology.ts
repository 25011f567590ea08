/**
 * The architecture of the source documents ("Sécuriser des solutions MLOps avec la sécurité réseau Azure"):
 * an AML VNet with a training subnet (NSG per the SDK v1 tables) and a private-endpoint subnet, the "bastion"
 * VNet where self-hosted agents run, the workspace with its storage, Key Vault, Premium registry and Application
 * Insights behind private endpoints, the six private DNS zones linked to both VNets, and peering both ways.
 */
export interface ReferenceNames {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  amlVnet: string;
  trainingSubnet: string;
  endpointSubnet: string;
  trainingNsg: string;
  agentVnet: string;
  agentSubnet: string;
  agentNsg: string;
  workspace: string;
  storage: string;
  vault: string;
  registry: string;
  insights: string;
  cluster: string;
  inferenceSubnet: string;
  inferenceCluster: string;
  inferenceCompute: string;
}

export function referenceNames(subscriptionId: string): ReferenceNames {
  return {
    subscriptionId,
    resourceGroup: "rg-mlops-secure",
    location: "westeurope",
    amlVnet: "vnet-aml",
    trainingSubnet: "snet-training",
    endpointSubnet: "snet-endpoints",
    trainingNsg: "nsg-training",
    agentVnet: "vnet-bastion",
    agentSubnet: "snet-agents",
    agentNsg: "nsg-agents",
    workspace: "mlw-secure",
    storage: "stmlwsecure",
    vault: "kv-mlw-secure",
    registry: "acrmlwsecure",
    insights: "appi-mlw-secure",
    cluster: "cpu-cluster",
    inferenceSubnet: "snet-aks",
    inferenceCluster: "aks-mlw-secure",
    inferenceCompute: "aks-inference",
  };
}

export const AML_VNET_SPACE = "10.10.0.0/16";
export const AGENT_VNET_SPACE = "10.20.0.0/16";

/** Private DNS zones the endpoints of an AML workspace need in Azure public cloud. */
export const REFERENCE_ZONES = [
  "privatelink.api.azureml.ms",
  "privatelink.notebooks.azure.net",
  "privatelink.blob.core.windows.net",
  "privatelink.file.core.windows.net",
  "privatelink.vaultcore.azure.net",
  "privatelink.azurecr.io",
];

type Rule = [name: string, priority: number, direction: "Inbound" | "Outbound", protocol: string, ports: string[], tag: string];

/** SDK v1 compute rules (seed tables): outbound to the service tags, inbound 44224 from AzureMachineLearning (public-IP compute). */
export function trainingRules(location: string): Rule[] {
  return [
    ["AllowAzureMLInbound", 100, "Inbound", "Tcp", ["44224"], "AzureMachineLearning"],
    ["AllowEntraOutbound", 100, "Outbound", "Tcp", ["80", "443"], "AzureActiveDirectory"],
    ["AllowAzureMLOutboundTcp", 110, "Outbound", "Tcp", ["443", "8787", "18881"], "AzureMachineLearning"],
    ["AllowAzureMLOutboundUdp", 120, "Outbound", "Udp", ["5831"], "AzureMachineLearning"],
    ["AllowBatchOutbound", 130, "Outbound", "*", ["443"], `BatchNodeManagement.${location}`],
    ["AllowArmOutbound", 140, "Outbound", "Tcp", ["443"], "AzureResourceManager"],
    ["AllowStorageOutbound", 150, "Outbound", "Tcp", ["443", "445"], `Storage.${location}`],
    ["AllowFrontDoorOutbound", 160, "Outbound", "Tcp", ["443"], "AzureFrontDoor.FrontEnd"],
    ["AllowMcrOutbound", 170, "Outbound", "Tcp", ["443"], `MicrosoftContainerRegistry.${location}`],
    ["AllowFrontDoorFirstPartyOutbound", 180, "Outbound", "Tcp", ["443"], "AzureFrontDoor.FirstParty"],
    ["AllowAcrOutbound", 190, "Outbound", "Tcp", ["443"], `AzureContainerRegistry.${location}`],
    ["AllowMonitorOutbound", 200, "Outbound", "Tcp", ["443"], "AzureMonitor"],
    ["AllowKeyVaultOutbound", 210, "Outbound", "Tcp", ["443"], `AzureKeyVault.${location}`],
  ];
}

function securityRuleBody([, priority, direction, protocol, ports, tag]: Rule): Record<string, unknown> {
  const remote =
    direction === "Inbound"
      ? { sourceAddressPrefix: tag, destinationAddressPrefix: "VirtualNetwork" }
      : { sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: tag };
  return {
    properties: {
      protocol,
      access: "Allow",
      priority,
      direction,
      sourcePortRange: "*",
      ...(ports.length === 1 ? { destinationPortRange: ports[0] } : { destinationPortRanges: ports }),
      ...remote,
    },
  };
}

/** The training NSG's security rules, as a PUT body lists them. */
export function trainingSecurityRules(location: string): Array<Record<string, unknown>> {
  return trainingRules(location).map((rule) => ({ name: rule[0], ...securityRuleBody(rule) }));
}

/** The agents' NSG rule: nothing inbound from the internet. */
export const DENY_INTERNET_INBOUND = {
  name: "DenyInternetInbound",
  properties: {
    protocol: "*",
    access: "Deny",
    priority: 4000,
    direction: "Inbound",
    sourcePortRange: "*",
    destinationPortRange: "*",
    sourceAddressPrefix: "Internet",
    destinationAddressPrefix: "*",
  },
};
