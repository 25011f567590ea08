/**
 * The outbound flows AML training compute needs through a firewall: each service-tag flow of the SDK v1 tables
 * (readiness/nsg/aml-flows.ts, required rows) paired with the host name the firewall sees for it, from the firewall
 * host list of "Secure an Azure Machine Learning training environment" (seeds 000 and 004: `<region>.tundra.azureml.ms`
 * UDP 5831, graph.windows.net, `*.<region>.batch.azure.com`, `*.<region>.service.batch.azure.com`, blob/queue/table
 * storage; mcr.microsoft.com) and "Configure inbound and outbound network traffic" (AzureFrontDoor.FirstParty serves
 * MCR content from `*.data.mcr.microsoft.com`). A network rule allows a flow by its service tag (or an address range
 * covering it); an application rule by its host name (HTTP/HTTPS only, so never UDP 5831).
 */
import { normalizeRegion } from "../nsg/service-tags";

export interface FirewallFlow {
  /** Stable key for finding IDs, e.g. "AzureMachineLearning-udp-5831". */
  key: string;
  protocol: "TCP" | "UDP";
  port: number;
  /** The service tag the destination address belongs to. */
  tag: string;
  /** The host name (a `*.` pattern stands for any name under it) an application rule must allow. */
  fqdn: string;
  purpose: string;
  /** Set for a flow to one private address (a private endpoint across the hub): matched by address, not by tag. */
  ip?: string;
}

interface FlowRow {
  tag: string;
  fqdn: string;
  protocol: "TCP" | "UDP";
  port: number;
  purpose: string;
}

const ROWS: FlowRow[] = [
  { tag: "AzureActiveDirectory", fqdn: "login.microsoftonline.com", protocol: "TCP", port: 443, purpose: "Authentication with Microsoft Entra ID" },
  { tag: "AzureActiveDirectory", fqdn: "graph.windows.net", protocol: "TCP", port: 443, purpose: "Communication with the Microsoft Graph API" },
  { tag: "AzureMachineLearning", fqdn: "*.instances.azureml.ms", protocol: "TCP", port: 443, purpose: "Azure Machine Learning services" },
  { tag: "AzureMachineLearning", fqdn: "*.instances.azureml.ms", protocol: "TCP", port: 18881, purpose: "Notebook Python IntelliSense on compute instances" },
  {
    tag: "AzureMachineLearning",
    fqdn: "{region}.tundra.azureml.ms",
    protocol: "UDP",
    port: 5831,
    purpose: "Creating, updating and deleting compute instances",
  },
  {
    tag: "BatchNodeManagement.{region}",
    fqdn: "*.{region}.batch.azure.com",
    protocol: "TCP",
    port: 443,
    purpose: "Azure Batch back end of compute instances and clusters",
  },
  {
    tag: "BatchNodeManagement.{region}",
    fqdn: "*.{region}.service.batch.azure.com",
    protocol: "TCP",
    port: 443,
    purpose: "Azure Batch back end of compute instances and clusters",
  },
  { tag: "AzureResourceManager", fqdn: "management.azure.com", protocol: "TCP", port: 443, purpose: "Creating Azure resources from Azure Machine Learning" },
  { tag: "Storage.{region}", fqdn: "*.blob.core.windows.net", protocol: "TCP", port: 443, purpose: "Azure Blob storage of compute clusters and instances" },
  { tag: "Storage.{region}", fqdn: "*.queue.core.windows.net", protocol: "TCP", port: 443, purpose: "Azure Queue storage" },
  { tag: "Storage.{region}", fqdn: "*.table.core.windows.net", protocol: "TCP", port: 443, purpose: "Azure Table storage" },
  { tag: "MicrosoftContainerRegistry.{region}", fqdn: "mcr.microsoft.com", protocol: "TCP", port: 443, purpose: "Docker images provided by Microsoft" },
  {
    tag: "AzureFrontDoor.FirstParty",
    fqdn: "*.data.mcr.microsoft.com",
    protocol: "TCP",
    port: 443,
    purpose: "Microsoft Container Registry content, served through AzureFrontDoor.FirstParty",
  },
  {
    tag: "AzureFrontDoor.FrontEnd",
    fqdn: "ml.azure.com",
    protocol: "TCP",
    port: 443,
    purpose: "Azure Machine Learning studio; AutoML images and environments",
  },
];

const byRegion = new Map<string, FirewallFlow[]>();

/** The flows for a region (shared, read-only: built once per region). */
export function requiredFirewallFlows(region: string): FirewallFlow[] {
  const r = normalizeRegion(region);
  let flows = byRegion.get(r);
  if (!flows) byRegion.set(r, (flows = buildFlows(r)));
  return flows;
}

function buildFlows(r: string): FirewallFlow[] {
  return ROWS.map((row) => {
    const tag = row.tag.replace("{region}", r);
    const fqdn = row.fqdn.replace("{region}", r);
    return {
      key: `${fqdn.replace(/^\*\./, "")}-${row.protocol.toLowerCase()}-${row.port}`,
      protocol: row.protocol,
      port: row.port,
      tag,
      fqdn,
      purpose: row.purpose,
    };
  });
}

/** A TCP flow to one private address, e.g. a private endpoint reached through the hub's firewall. */
export function addressFlow(ip: string, port: number, purpose: string): FirewallFlow {
  return { key: `${ip}-tcp-${port}`, protocol: "TCP", port, tag: ip, fqdn: ip, purpose, ip };
}
