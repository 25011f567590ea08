import { guidFrom } from "../../http/random";
import { type ResourceTypeSpec } from "../resource-type";
import type { Json, StoredResource } from "../store";
import { allocateAddress, VMSS_VM } from "./address-allocation";

export const scaleSetVmType: ResourceTypeSpec = {
  type: VMSS_VM,
  lro: "compute",
  placement: "child",
  write(ctx, request) {
    const scaleSet = request.parent as StoredResource;
    const profile = scaleSet.body.properties.virtualMachineProfile;
    const instanceId = request.address.names[1];
    const ipConfigurations = (profile.networkProfile?.networkInterfaceConfigurations ?? []).flatMap((config: Json) =>
      (config.properties?.ipConfigurations ?? []).map((ipc: Json) => {
        const subnet = ctx.resolve(ipc.properties.subnet.id) as StoredResource;
        const previous = request.existing?.body.properties.networkProfileConfiguration?.ipConfigurations?.find((p: Json) => p.name === ipc.name);
        return {
          name: ipc.name,
          id: `${request.id}/networkInterfaces/${config.name}/ipConfigurations/${ipc.name}`,
          subnetId: subnet.id,
          privateIPAddress: previous?.privateIPAddress ?? allocateAddress(ctx, subnet),
        };
      }),
    );
    return {
      location: scaleSet.body.location,
      instanceId,
      sku: { name: scaleSet.body.sku.name, tier: scaleSet.body.sku.tier },
      properties: {
        vmId: guidFrom(request.id + "vmId"),
        latestModelApplied: true,
        osProfile: {
          ...scaleSet.body.properties.virtualMachineProfile.osProfile,
          computerName: `${profile.osProfile.computerNamePrefix}${Number(instanceId).toString(36).padStart(6, "0")}`,
        },
        networkProfileConfiguration: { ipConfigurations },
        // The instance's NICs by ID, as compute spec example VirtualMachineScaleSetVM_Get shows; their bodies are
        // served by the Network provider at that ID (sandbox/arm/scale-set-nics.ts).
        networkProfile: {
          networkInterfaces: (profile.networkProfile?.networkInterfaceConfigurations ?? []).map((config: Json, index: number) => ({
            id: `${request.id}/networkInterfaces/${config.name}`,
            properties: { primary: config.properties?.primary ?? index === 0 },
          })),
        },
      },
    };
  },
};
