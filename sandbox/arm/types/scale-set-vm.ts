/**
 * Microsoft.Compute/virtualMachineScaleSets/{ss}/virtualMachines: the instances a scale set's capacity makes.
 * Shapes from azure-rest-api-specs compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-11-01/
 * virtualMachineScaleSet.json (VirtualMachineScaleSetVM) and example VirtualMachineScaleSetVM_Get; SDK type
 * VirtualMachineScaleSetVM in @azure/arm-compute. `networkProfileConfiguration` keeps each ipConfiguration's address.
 */
import { guidFrom } from "../../http/random";
import { type ResourceTypeSpec } from "../resource-type";
import type { StoredResource } from "../store";
import { allocateAddress, VMSS_VM } from "./address-allocation";
import type { WireOsProfile } from "./compute-profile";
import { scaleSetBody } from "./scale-set";
import { asObject, asObjects, JsonObject } from "./wire";

export interface WireInstanceIpConfiguration {
  name: unknown;
  id: string;
  subnetId: string;
  privateIPAddress: string;
}

/** An instance body as this type writes it. */
export interface WireScaleSetVm extends JsonObject {
  location: string;
  properties: {
    vmId: string;
    provisioningState?: string;
    osProfile: WireOsProfile & { computerName: string };
    networkProfileConfiguration: { ipConfigurations: WireInstanceIpConfiguration[] };
  };
}

/** A stored instance's body: written by this type. */
export function scaleSetVmBody(instance: StoredResource): WireScaleSetVm {
  return instance.body as WireScaleSetVm;
}

export const scaleSetVmType: ResourceTypeSpec = {
  type: VMSS_VM,
  lro: "compute",
  placement: "child",
  write(ctx, request) {
    const scaleSet = scaleSetBody(request.parent as StoredResource);
    const profile = scaleSet.properties.virtualMachineProfile;
    const instanceId = request.address.names[1];
    const previous = request.existing && scaleSetVmBody(request.existing).properties.networkProfileConfiguration?.ipConfigurations;
    const configurations = asObjects(asObject(profile.networkProfile).networkInterfaceConfigurations);
    const ipConfigurations = configurations.flatMap((config) =>
      asObjects(asObject(config.properties).ipConfigurations).map((ipc): WireInstanceIpConfiguration => {
        // The scale set's write checked that each subnet exists.
        const subnet = ctx.resolve(String(asObject(asObject(ipc.properties).subnet).id)) as StoredResource;
        return {
          name: ipc.name,
          id: `${request.id}/networkInterfaces/${String(config.name)}/ipConfigurations/${String(ipc.name)}`,
          subnetId: subnet.id,
          privateIPAddress: previous?.find((p) => p.name === ipc.name)?.privateIPAddress ?? allocateAddress(ctx, subnet),
        };
      }),
    );
    return {
      location: scaleSet.location,
      instanceId,
      sku: { name: scaleSet.sku.name, tier: scaleSet.sku.tier },
      properties: {
        vmId: guidFrom(request.id + "vmId"),
        latestModelApplied: true,
        osProfile: {
          ...profile.osProfile,
          computerName: `${String(profile.osProfile.computerNamePrefix)}${Number(instanceId).toString(36).padStart(6, "0")}`,
        },
        networkProfileConfiguration: { ipConfigurations },
        // The instance's NICs by ID, as compute spec example VirtualMachineScaleSetVM_Get shows; their bodies are
        // served by the Network provider at that ID (sandbox/arm/scale-set-nics.ts).
        networkProfile: {
          networkInterfaces: configurations.map((config, index) => ({
            id: `${request.id}/networkInterfaces/${String(config.name)}`,
            properties: { primary: asObject(config.properties).primary ?? index === 0 },
          })),
        },
      },
    };
  },
};
