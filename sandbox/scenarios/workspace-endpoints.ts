import { API } from "./api-versions";
import type { InProcessArmClient } from "./in-process-client";
import type { ReferenceNames } from "./reference-topology";

export interface WorkspaceTargets {
  workspaceId: string;
  storageId: string;
  vaultId: string;
  registryId: string;
}

export interface WorkspaceWithDependencies extends WorkspaceTargets {
  insightsId: string;
  /** The workspace's PUT body, for re-sending it with more properties (imageBuildCompute). */
  workspaceBody: { location: string; identity: { type: string }; properties: Record<string, unknown> };
}

/**
 * The workspace and its four dependencies (storage, Key Vault, Premium registry, Application Insights) in the
 * resource group `resourceGroupId`, every one closed to public traffic but Application Insights.
 */
export function putWorkspaceWithDependencies(
  arm: InProcessArmClient,
  p: { resourceGroupId: string; location: string; tenantId: string; names: ReferenceNames },
): WorkspaceWithDependencies {
  const { resourceGroupId: rg, location, names: n } = p;
  const storageId = `${rg}/providers/Microsoft.Storage/storageAccounts/${n.storage}`;
  const vaultId = `${rg}/providers/Microsoft.KeyVault/vaults/${n.vault}`;
  const registryId = `${rg}/providers/Microsoft.ContainerRegistry/registries/${n.registry}`;
  const insightsId = `${rg}/providers/Microsoft.Insights/components/${n.insights}`;
  const workspaceId = `${rg}/providers/Microsoft.MachineLearningServices/workspaces/${n.workspace}`;
  arm.put(storageId, API.storage, {
    location,
    sku: { name: "Standard_LRS" },
    kind: "StorageV2",
    properties: { publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny", bypass: "AzureServices" } },
  });
  arm.put(vaultId, API.keyVault, {
    location,
    properties: { tenantId: p.tenantId, sku: { family: "A", name: "standard" }, publicNetworkAccess: "Disabled" },
  });
  arm.put(registryId, API.registry, { location, sku: { name: "Premium" }, properties: { publicNetworkAccess: "Disabled", adminUserEnabled: false } });
  arm.put(insightsId, API.insights, { location, kind: "web", properties: { Application_Type: "web" } });
  const workspaceBody = {
    location,
    identity: { type: "SystemAssigned" },
    properties: {
      friendlyName: n.workspace,
      storageAccount: storageId,
      keyVault: vaultId,
      containerRegistry: registryId,
      applicationInsights: insightsId,
      publicNetworkAccess: "Disabled",
      v1LegacyMode: false,
    },
  };
  arm.put(workspaceId, API.ml, workspaceBody);
  return { workspaceId, storageId, vaultId, registryId, insightsId, workspaceBody };
}

/** The workspace's five private endpoints (workspace, blob, file, vault, registry) with zone groups in their zones. */
export function putWorkspaceEndpoints(
  arm: InProcessArmClient,
  p: WorkspaceTargets & { endpointRgNetworkId: string; location: string; endpointSubnetId: string; zoneId(zone: string): string },
): void {
  const endpoints: Array<[string, string, string, string[]]> = [
    ["pe-mlw-secure", p.workspaceId, "amlworkspace", ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"]],
    ["pe-st-blob", p.storageId, "blob", ["privatelink.blob.core.windows.net"]],
    ["pe-st-file", p.storageId, "file", ["privatelink.file.core.windows.net"]],
    ["pe-kv", p.vaultId, "vault", ["privatelink.vaultcore.azure.net"]],
    ["pe-acr", p.registryId, "registry", ["privatelink.azurecr.io"]],
  ];
  for (const [name, target, groupId, zones] of endpoints) {
    const endpointId = `${p.endpointRgNetworkId}/privateEndpoints/${name}`;
    arm.put(endpointId, API.network, {
      location: p.location,
      properties: {
        subnet: { id: p.endpointSubnetId },
        privateLinkServiceConnections: [{ name: `${name}-psc`, properties: { privateLinkServiceId: target, groupIds: [groupId] } }],
      },
    });
    arm.put(`${endpointId}/privateDnsZoneGroups/default`, API.network, {
      properties: { privateDnsZoneConfigs: zones.map((zone) => ({ name: zone.replace(/\./g, "-"), properties: { privateDnsZoneId: p.zoneId(zone) } })) },
    });
  }
}

/**
 * A public-IP AmlCompute cluster in the training subnet; then, with the registry reachable only privately, the
 * workspace builds its images on it (`workspaceBody` is the workspace's PUT body, re-sent with imageBuildCompute).
 */
export function putTrainingCluster(
  arm: InProcessArmClient,
  p: {
    workspaceId: string;
    location: string;
    subnetId: string;
    cluster: string;
    workspaceBody: { properties: Record<string, unknown> } & Record<string, unknown>;
    enableNodePublicIp?: boolean;
  },
): void {
  arm.put(`${p.workspaceId}/computes/${p.cluster}`, API.ml, {
    location: p.location,
    properties: {
      computeType: "AmlCompute",
      properties: {
        vmSize: "STANDARD_DS3_V2",
        scaleSettings: { minNodeCount: 0, maxNodeCount: 4 },
        subnet: { id: p.subnetId },
        enableNodePublicIp: p.enableNodePublicIp ?? true,
      },
    },
  });
  arm.put(p.workspaceId, API.ml, { ...p.workspaceBody, properties: { ...p.workspaceBody.properties, imageBuildCompute: p.cluster } });
}
