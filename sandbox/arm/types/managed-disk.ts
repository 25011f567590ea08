/**
 * Microsoft.Compute/disks: the managed OS disks VMs create. Shapes from azure-rest-api-specs
 * compute/resource-manager/Microsoft.Compute/DiskRP/stable/2024-03-02/disk.json and examples
 * diskExamples/Disk_Create_FromAPlatformImage.json / Disk_Get.json (diskState, managedBy); SDK type Disk in
 * @azure/arm-compute.
 */
import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import { type ResourceTypeSpec } from "../resource-type";
import { DISK, VM } from "./compute-profile";
import { asObject, propertiesOf } from "./wire";

export const managedDiskType: ResourceTypeSpec = {
  type: DISK,
  lro: "compute",
  placement: "tracked",
  write(_ctx, request) {
    const props = propertiesOf(request.body);
    return {
      sku: asObject(request.body).sku ?? { name: "Premium_LRS" },
      properties: {
        osType: props.osType,
        diskSizeGB: props.diskSizeGB ?? 30,
        creationData: props.creationData ?? { createOption: "Empty" },
        diskState: "Unattached",
        uniqueId: guidFrom(request.id),
      },
    };
  },
  view(ctx, disk, body) {
    const vm = ctx.store.referencing(disk.id).find((r) => r.type === VM);
    propertiesOf(body).diskState = vm ? "Attached" : "Unattached";
    if (vm) asObject(body).managedBy = vm.id;
  },
  checkDelete(ctx, disk) {
    const vm = ctx.store.referencing(disk.id).find((r) => r.type === VM);
    if (vm) throw new ArmError(409, "OperationNotAllowed", `Disk ${disk.name} is attached to VM ${vm.id}.`);
  },
};
