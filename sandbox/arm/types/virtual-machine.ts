import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import { requireReference, type ResourceTypeSpec } from "../resource-type";
import type { Json } from "../store";
import { NIC } from "./address-allocation";
import { requireSameRegion, sameId } from "./common";
import { diagnosticsProfileOf, DISK, identityOf, osProfileOf, VM } from "./compute-profile";

export function virtualMachineType(tenantId: string): ResourceTypeSpec {
  return {
    type: VM,
    lro: "compute",
    placement: "tracked",
    inProgressState: "Creating",
    write(ctx, request) {
      const props = request.body.properties ?? {};
      const location = String(request.body.location).replace(/\s+/g, "").toLowerCase();
      if (!props.hardwareProfile?.vmSize)
        throw new ArmError(400, "InvalidParameter", `Required parameter 'hardwareProfile.vmSize' is missing (null). Target: 'vmSize'.`);
      const nics: Json[] = props.networkProfile?.networkInterfaces ?? [];
      if (nics.length === 0) throw new ArmError(400, "InvalidParameter", "Required parameter 'networkProfile' is missing (null). Target: 'networkProfile'.");
      for (const ref of nics) {
        const nic = requireReference(ctx, ref, NIC, request.id);
        requireSameRegion("Network interface", location, nic.id, nic.body.location, request.id);
        const other = ctx.store.referencing(nic.id).find((r) => r.type === VM && !sameId(r.id, request.id));
        if (other)
          throw new ArmError(
            400,
            "NicReservedForAnotherVm",
            `Nic(s) in request is reserved for another Virtual Machine for 180 seconds. Please provide another nic(s) or retry after 180 seconds. Reserved VM: ${other.id}`,
          );
      }
      const osDisk = props.storageProfile?.osDisk ?? {};
      const diskName =
        request.existing?.body.properties.storageProfile.osDisk.name ??
        osDisk.name ??
        `${request.address.names[0]}_OsDisk_1_${guidFrom(request.id).replace(/-/g, "")}`;
      const rgId = request.id.split("/providers/")[0];
      const diagnosticsProfile = diagnosticsProfileOf(props.diagnosticsProfile ?? request.existing?.body.properties.diagnosticsProfile);
      const out: Json = {
        properties: {
          vmId: request.existing?.body.properties.vmId ?? guidFrom(request.id + "vmId"),
          hardwareProfile: { vmSize: props.hardwareProfile.vmSize },
          storageProfile: {
            imageReference: props.storageProfile?.imageReference,
            osDisk: {
              osType: "Linux",
              name: diskName,
              createOption: osDisk.createOption ?? "FromImage",
              caching: osDisk.caching ?? "ReadWrite",
              managedDisk: {
                storageAccountType: osDisk.managedDisk?.storageAccountType ?? "Premium_LRS",
                id: `${rgId}/providers/Microsoft.Compute/disks/${diskName}`,
              },
              deleteOption: osDisk.deleteOption ?? "Detach",
              diskSizeGB: osDisk.diskSizeGB ?? 30,
            },
            dataDisks: [],
          },
          osProfile: osProfileOf(request, props.osProfile ?? request.existing?.body.properties.osProfile),
          networkProfile: {
            networkInterfaces: nics.map((n) => ({
              id: n.id,
              properties: { primary: n.properties?.primary ?? nics.length === 1, deleteOption: n.properties?.deleteOption ?? "Detach" },
            })),
          },
          ...(diagnosticsProfile ? { diagnosticsProfile } : {}),
          timeCreated: request.existing?.body.properties.timeCreated ?? new Date().toISOString(),
        },
      };
      const identity = identityOf(request, tenantId);
      if (identity) out.identity = identity;
      return out;
    },
    afterWrite(ctx, vm) {
      const disk = vm.body.properties.storageProfile.osDisk;
      if (ctx.resolve(disk.managedDisk.id)) return;
      ctx.putInternal(disk.managedDisk.id, DISK, {
        location: vm.body.location,
        sku: { name: disk.managedDisk.storageAccountType },
        properties: { osType: "Linux", diskSizeGB: disk.diskSizeGB, creationData: { createOption: "FromImage" } },
      });
    },
    view(ctx, vm, body) {
      const disk = ctx.resolve(vm.body.properties.storageProfile.osDisk.managedDisk.id);
      if (disk) body.properties.storageProfile.osDisk.managedDisk.id = disk.id;
    },
    afterDelete(ctx, vm) {
      const disk = vm.body.properties.storageProfile.osDisk;
      if (disk.deleteOption === "Delete") ctx.deleteInternal(disk.managedDisk.id);
      for (const nic of vm.body.properties.networkProfile.networkInterfaces) if (nic.properties.deleteOption === "Delete") ctx.deleteInternal(nic.id);
    },
  };
}
