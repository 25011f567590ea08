/**
 * The NSG flows AML SDK v1 training compute (compute instances and clusters) needs, from "Secure an Azure Machine
 * Learning training environment with virtual networks (SDK v1)" and its required/situational tables.
 */
import type { NsgDirection } from "./nsg-rule";
import type { NsgFlow } from "./rule-match";
import { normalizeRegion } from "./service-tags";

export type AzureCloudName = "AzureCloud" | "AzureUSGovernment" | "AzureChinaCloud";
export type Requirement = "required" | "situational" | "legacy";

/** The NSG rule that would let a flow through; `priority` is left to the caller, who knows which ones are free. */
export interface FixRule {
  name: string;
  priority?: number;
  direction: NsgDirection;
  protocol: "Tcp" | "Udp" | "*";
  ports: string[];
  tag: string;
}

export interface RequiredFlow {
  flow: NsgFlow;
  requirement: Requirement;
  purpose: string;
  fixRule: FixRule;
}

export interface ComputeFlowOptions {
  region: string;
  /** Whether the compute has a public IP (the classic, non "no public IP" mode). */
  publicIp: boolean;
  cloud: AzureCloudName;
}

interface FlowGroup {
  ruleName: string;
  direction: NsgDirection;
  /** "{region}" is replaced by the workspace region. */
  tag: string;
  protocol: "Tcp" | "Udp" | "Any";
  /** A port, or an inclusive range that becomes one flow per port and one range in the fix rule. */
  ports: Array<number | [number, number]>;
  requirement: Requirement;
  purpose: string;
  notIn?: AzureCloudName[];
  publicIpOnly?: boolean;
}

const GROUPS: FlowGroup[] = [
  {
    ruleName: "AmlOut-AzureActiveDirectory",
    direction: "Outbound",
    tag: "AzureActiveDirectory",
    protocol: "Tcp",
    ports: [80, 443],
    requirement: "required",
    purpose: "Authentication with Microsoft Entra ID",
  },
  {
    ruleName: "AmlOut-AzureMachineLearning-Tcp",
    direction: "Outbound",
    tag: "AzureMachineLearning",
    protocol: "Tcp",
    ports: [443, 18881],
    requirement: "required",
    purpose: "Azure Machine Learning services; 18881 is notebook Python IntelliSense",
  },
  {
    ruleName: "AmlOut-AzureMachineLearning-RStudio",
    direction: "Outbound",
    tag: "AzureMachineLearning",
    protocol: "Tcp",
    ports: [8787],
    requirement: "situational",
    purpose: "RStudio on compute instances",
  },
  {
    ruleName: "AmlOut-AzureMachineLearning-Udp",
    direction: "Outbound",
    tag: "AzureMachineLearning",
    protocol: "Udp",
    ports: [5831],
    requirement: "required",
    purpose: "Creating, updating and deleting compute instances",
  },
  {
    ruleName: "AmlOut-BatchNodeManagement",
    direction: "Outbound",
    tag: "BatchNodeManagement.{region}",
    protocol: "Any",
    ports: [443],
    requirement: "required",
    purpose: "Azure Batch back end of compute instances and clusters",
  },
  {
    ruleName: "AmlOut-AzureResourceManager",
    direction: "Outbound",
    tag: "AzureResourceManager",
    protocol: "Tcp",
    ports: [443],
    requirement: "required",
    purpose: "Creating Azure resources from Azure Machine Learning, the Azure CLI and the SDK",
  },
  {
    ruleName: "AmlOut-Storage",
    direction: "Outbound",
    tag: "Storage.{region}",
    protocol: "Tcp",
    ports: [443],
    requirement: "required",
    purpose: "Data in the Azure Storage accounts of compute clusters and instances",
  },
  {
    ruleName: "AmlOut-Storage-Smb",
    direction: "Outbound",
    tag: "Storage.{region}",
    protocol: "Tcp",
    ports: [445],
    requirement: "situational",
    purpose: "SMB to the default storage account, needed when a firewall sits between compute and storage",
  },
  {
    ruleName: "AmlOut-AzureFrontDoor.FrontEnd",
    direction: "Outbound",
    tag: "AzureFrontDoor.FrontEnd",
    protocol: "Tcp",
    ports: [443],
    requirement: "required",
    purpose: "Global entry point of Azure Machine Learning studio; AutoML images and environments",
    notIn: ["AzureChinaCloud"],
  },
  {
    ruleName: "AmlOut-MicrosoftContainerRegistry",
    direction: "Outbound",
    tag: "MicrosoftContainerRegistry.{region}",
    protocol: "Tcp",
    ports: [443],
    requirement: "required",
    purpose: "Docker images provided by Microsoft",
  },
  {
    ruleName: "AmlOut-AzureFrontDoor.FirstParty",
    direction: "Outbound",
    tag: "AzureFrontDoor.FirstParty",
    protocol: "Tcp",
    ports: [443],
    requirement: "required",
    purpose: "MicrosoftContainerRegistry serves its content through AzureFrontDoor.FirstParty",
  },
  {
    ruleName: "AmlOut-AzureContainerRegistry",
    direction: "Outbound",
    tag: "AzureContainerRegistry.{region}",
    protocol: "Tcp",
    ports: [443],
    requirement: "situational",
    purpose: "The workspace's container registry when it is reached over public endpoints",
  },
  {
    ruleName: "AmlOut-AzureMonitor",
    direction: "Outbound",
    tag: "AzureMonitor",
    protocol: "Tcp",
    ports: [443],
    requirement: "situational",
    purpose: "Logging and metrics to Azure Monitor / Application Insights",
  },
  {
    ruleName: "AmlOut-AzureKeyVault",
    direction: "Outbound",
    tag: "AzureKeyVault.{region}",
    protocol: "Tcp",
    ports: [443],
    requirement: "situational",
    purpose: "The workspace's key vault when it is reached over public endpoints",
  },
  {
    ruleName: "AmlIn-AzureMachineLearning",
    direction: "Inbound",
    tag: "AzureMachineLearning",
    protocol: "Tcp",
    ports: [44224],
    requirement: "required",
    purpose: "Azure Machine Learning reaching compute that has a public IP",
    publicIpOnly: true,
  },
  // Classic Batch node communication; retired 2026-03-31, and only public-IP nodes ever used it.
  {
    ruleName: "AmlIn-BatchNodeManagement",
    direction: "Inbound",
    tag: "BatchNodeManagement",
    protocol: "Tcp",
    ports: [[29876, 29877]],
    requirement: "legacy",
    purpose: "Classic Batch node communication",
    publicIpOnly: true,
  },
];

export function requiredComputeFlows(options: ComputeFlowOptions): RequiredFlow[] {
  const region = normalizeRegion(options.region);
  if (region === "") throw new Error("requiredComputeFlows needs the workspace region, e.g. 'westeurope'");
  return GROUPS.filter((g) => !(g.notIn ?? []).includes(options.cloud) && (options.publicIp || !g.publicIpOnly)).flatMap((group) => {
    const tag = group.tag.replace("{region}", region);
    const fixRule: FixRule = {
      name: group.ruleName,
      direction: group.direction,
      protocol: group.protocol === "Any" ? "*" : group.protocol,
      ports: group.ports.map((p) => (typeof p === "number" ? String(p) : `${p[0]}-${p[1]}`)),
      tag,
    };
    return expandPorts(group.ports).map((port) => ({
      flow: { direction: group.direction, protocol: group.protocol, port, remote: { tag } },
      requirement: group.requirement,
      purpose: group.purpose,
      fixRule: { ...fixRule, ports: [...fixRule.ports] },
    }));
  });
}

function expandPorts(ports: Array<number | [number, number]>): number[] {
  return ports.flatMap((p) => (typeof p === "number" ? [p] : Array.from({ length: p[1] - p[0] + 1 }, (_, i) => p[0] + i)));
}
