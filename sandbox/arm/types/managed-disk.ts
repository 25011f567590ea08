import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import { type ResourceTypeSpec } from "../resource-type";
import { DISK, VM } from "./compute-profile";

export const managedDiskType: ResourceTypeSpec = {
  type: DISK,
  lro: "compute",
  placement: "tracked",
  write(_ctx, request) {
    const props = request.body.properties ?? {};
    return {
      sku: request.body.sku ?? { name: "Premium_LRS" },
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
    body.properties.diskState = vm ? "Attached" : "Unattached";
    if (vm) body.managedBy = vm.id;
  },
  checkDelete(ctx, disk) {
    const vm = ctx.store.referencing(disk.id).find((r) => r.type === VM);
    if (vm) throw new ArmError(409, "OperationNotAllowed", `Disk ${disk.name} is attached to VM ${vm.id}.`);
  },
};
