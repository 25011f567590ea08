import { API } from "./api-versions";
import type { InProcessArmClient } from "./in-process-client";

export interface WorkspaceTargets {
  workspaceId: string;
  storageId: string;
  vaultId: string;
  registryId: string;
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
