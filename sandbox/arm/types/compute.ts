import type { ResourceTypeSpec } from "../resource-type";
import { managedDiskType } from "./managed-disk";
import { scaleSetType } from "./scale-set";
import { scaleSetVmType } from "./scale-set-vm";
import { virtualMachineType } from "./virtual-machine";
import { scaleSetExtensionType, vmExtensionType } from "./vm-extension";

export { DISK, PROFILE_EXTENSION_SECRETS, VM, VM_EXTENSION, VMSS, VMSS_EXTENSION } from "./compute-profile";

/** The Microsoft.Compute types, one file each: VMs, managed disks, extensions, scale sets and their instances. */
export function computeTypes(tenantId: string): ResourceTypeSpec[] {
  return [virtualMachineType(tenantId), managedDiskType, vmExtensionType, scaleSetExtensionType, scaleSetType(tenantId), scaleSetVmType];
}
