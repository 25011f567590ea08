/**
 * What each private-link target offers a private endpoint: groupIds and FQDNs per requiredMemberName. Sources:
 * learn.microsoft.com azure/private-link/private-endpoint-overview ("Private-link resource" table of sub-resources),
 * container-registry/container-registry-private-link (requiredMemberName `registry` and `registry_data_<region>` on the
 * endpoint's NIC); the FQDN shapes from the targets' own spec examples (storage StorageAccountCreate.json primaryEndpoints,
 * keyvault createVault.json vaultUri, containerregistry RegistryCreate.json loginServer).
 */
import { ArmError } from "../arm-error";
import type { StoredResource } from "../store";
import { asObject, propertiesOf } from "./wire";
import { trackedLocation } from "./common";

export interface EndpointMember {
  /** requiredMemberName on the NIC's ipConfiguration. */
  member: string;
  fqdns: string[];
}

/** The sub-resources (groupIds) each private-link target type offers, and the FQDNs of each. */
const TARGETS: Record<string, { groupIds: string[]; members(target: StoredResource, groupId: string): EndpointMember[] }> = {
  "microsoft.machinelearningservices/workspaces": {
    groupIds: ["amlworkspace"],
    members(ws) {
      const guid = String(propertiesOf(ws.body).workspaceId);
      const region = trackedLocation(ws);
      const notebookHost = `ml-${ws.name}-${region}-${guid}`.toLowerCase().slice(0, 63);
      // Three IPs, as the NIC of a real workspace endpoint shows (azure-ai-docs how-to-custom-dns.md, "Find the IP
      // addresses": `az network nic show` output): the API names, the notebooks name, and the managed online endpoints'
      // wildcard `*.<region>.inference.ml.azure.com`. The requiredMemberName of the third is not published ("inference" is ours).
      return [
        { member: "default", fqdns: [`${guid}.workspace.${region}.api.azureml.ms`, `${guid}.workspace.${region}.cert.api.azureml.ms`] },
        { member: "notebook", fqdns: [`${notebookHost}.${region}.notebooks.azure.net`] },
        { member: "inference", fqdns: [`*.${region}.inference.ml.azure.com`] },
      ];
    },
  },
  "microsoft.storage/storageaccounts": {
    groupIds: ["blob", "file", "queue", "table", "dfs", "web"],
    members: (account, groupId) => [{ member: groupId, fqdns: [`${account.name}.${groupId}.core.windows.net`] }],
  },
  "microsoft.keyvault/vaults": {
    groupIds: ["vault"],
    members: (vault) => [{ member: "default", fqdns: [`${vault.name}.vault.azure.net`] }],
  },
  "microsoft.containerregistry/registries": {
    groupIds: ["registry"],
    members: (registry) => [
      { member: "registry", fqdns: [`${registry.name.toLowerCase()}.azurecr.io`] },
      { member: `registry_data_${trackedLocation(registry)}`, fqdns: [`${registry.name.toLowerCase()}.${trackedLocation(registry)}.data.azurecr.io`] },
    ],
  },
};

function skuNameOf(target: StoredResource): unknown {
  return asObject(asObject(target.body).sku).name;
}

export function isPrivateLinkTarget(type: string): boolean {
  return type.toLowerCase() in TARGETS;
}

/**
 * The members a private endpoint to `target`/`groupId` gets, or the refusal the target's provider sends.
 * (The exact code ACR uses for a non-Premium registry is not published; the message names the cause and the fix.)
 */
export function endpointMembers(target: StoredResource, groupIds: string[], connectionId: string): EndpointMember[] {
  const spec = TARGETS[target.type.toLowerCase()];
  if (!spec) {
    throw new ArmError(400, "PrivateLinkServiceNotSupported", `Resource ${target.id} of type ${target.type} does not support private link.`);
  }
  if (groupIds.length !== 1) {
    throw new ArmError(
      400,
      "OnlyOneGroupIdPermitted",
      `Private link service connection ${connectionId} has the following group Ids: ${groupIds.join(", ")}. Only one group Id is permitted when connecting to a first-party resource (${target.id}).`,
    );
  }
  const groupId = spec.groupIds.find((g) => g.toLowerCase() === String(groupIds[0]).toLowerCase());
  if (!groupId) {
    throw new ArmError(
      400,
      "InvalidPrivateLinkServiceConnectionGroupId",
      `Call to ${target.type} failed. Error message: Invalid groupId '${groupIds[0]}'. Valid group ids are: ${spec.groupIds.join(", ")}.`,
    );
  }
  if (target.type.toLowerCase() === "microsoft.containerregistry/registries" && skuNameOf(target) !== "Premium") {
    throw new ArmError(
      400,
      "PrivateEndpointNotSupportedForRegistrySku",
      `Call to Microsoft.ContainerRegistry/registries failed. Error message: Private endpoints are only supported for Premium SKU registries; registry '${target.name}' has SKU '${String(skuNameOf(target))}'. Upgrade it with 'az acr update --name ${target.name} --sku Premium'. For more information, please visit https://aka.ms/acr/private-link.`,
    );
  }
  return spec.members(target, groupId);
}

/** The privateEndpointConnections child type of a target type. */
export function connectionTypeOf(targetType: string): string {
  return `${targetType}/privateEndpointConnections`;
}
