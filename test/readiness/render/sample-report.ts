import type { ReadinessReport } from "../../../readiness/finding";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000001";
export const WORKSPACE_ID = `${SUB}/resourceGroups/rg-aml/providers/Microsoft.MachineLearningServices/workspaces/ws-prod`;
export const AGENT_VNET_ID = `${SUB}/resourceGroups/rg-agents/providers/Microsoft.Network/virtualNetworks/vnet-agents`;
const ZONE_ID = `${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms`;
const NSG_ID = `${SUB}/resourceGroups/rg-agents/providers/Microsoft.Network/networkSecurityGroups/nsg-agents`;

/** The passed check both reports hold (a fresh object each time: renderers' tests may change what they get). */
const subnetCheck = (): ReadinessReport["checks"][number] => ({
  id: "subnet.not-delegated:snet-agents",
  category: "subnet",
  title: "snet-agents is not delegated",
  resourceId: `${AGENT_VNET_ID}/subnets/snet-agents`,
  findingIds: [],
});

/**
 * One error (DNS, with a pipe, a newline in the fix and XML specials), one warning (NSG), one info (workspace)
 * and two passed checks, listed out of category order on purpose.
 */
export function sampleReport(): ReadinessReport {
  return {
    ready: false,
    workspaceId: WORKSPACE_ID,
    agentVnetId: AGENT_VNET_ID,
    findings: [
      {
        id: "workspace.public-access:ws-prod",
        category: "workspace",
        severity: "info",
        resourceId: WORKSPACE_ID,
        message: "Public network access is enabled; the agents do not need it.",
        fix: "az ml workspace update --name ws-prod --resource-group rg-aml --public-network-access Disabled",
      },
      {
        id: "dns.zone-not-linked:privatelink.api.azureml.ms:vnet-agents",
        category: "dns",
        severity: "error",
        resourceId: ZONE_ID,
        message:
          'privatelink.api.azureml.ms is not linked to vnet-agents | the agents resolve <guid>.workspace.westeurope.api.azureml.ms publicly & bypass "pe-ws".',
        fix: 'az network private-dns link vnet create --resource-group rg-dns --zone-name privatelink.api.azureml.ms --name vnet-agents-link --virtual-network vnet-agents --registration-enabled false\naz network private-dns link vnet list --resource-group rg-dns --zone-name privatelink.api.azureml.ms --query "[].name" | cat',
      },
      {
        id: "nsg.outbound-denied:AzureActiveDirectory:nsg-agents",
        category: "nsg",
        severity: "warning",
        resourceId: NSG_ID,
        message: "nsg-agents denies TCP 443 to AzureActiveDirectory at priority 200 (rule 'deny-all-out').",
        fix: "az network nsg rule create --resource-group rg-agents --nsg-name nsg-agents --name allow-aad --priority 190 --direction Outbound --access Allow --protocol Tcp --destination-address-prefixes AzureActiveDirectory --destination-port-ranges 443",
      },
    ],
    checks: [
      subnetCheck(),
      {
        id: "dns.zone-linked:privatelink.api.azureml.ms:vnet-agents",
        category: "dns",
        title: "privatelink.api.azureml.ms is linked to vnet-agents",
        resourceId: ZONE_ID,
        findingIds: ["dns.zone-not-linked:privatelink.api.azureml.ms:vnet-agents"],
      },
      {
        id: "nsg.outbound:AzureActiveDirectory:nsg-agents",
        category: "nsg",
        title: "nsg-agents allows TCP 443 to AzureActiveDirectory",
        resourceId: NSG_ID,
        findingIds: ["nsg.outbound-denied:AzureActiveDirectory:nsg-agents"],
      },
      {
        id: "workspace.public-access:ws-prod",
        category: "workspace",
        title: "ws-prod <accepts> only private traffic",
        resourceId: WORKSPACE_ID,
        findingIds: ["workspace.public-access:ws-prod"],
      },
      {
        id: "peering.connected:vnet-agents:vnet-aml",
        category: "peering",
        title: "vnet-agents is peered with vnet-aml (Connected)",
        resourceId: AGENT_VNET_ID,
        findingIds: [],
      },
    ],
    summary: { errors: 1, warnings: 1, infos: 1, checks: 5, passed: 2 },
  };
}

/** Everything passed. */
export function readyReport(): ReadinessReport {
  return {
    ready: true,
    workspaceId: WORKSPACE_ID,
    findings: [],
    checks: [subnetCheck()],
    summary: { errors: 0, warnings: 0, infos: 0, checks: 1, passed: 1 },
  };
}
