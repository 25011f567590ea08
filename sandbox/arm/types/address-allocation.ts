import { ArmError } from "../arm-error";
import { parsePrefix, prefixHoldsAddress, subnetHostAddresses } from "../ip-prefix";
import type { ArmContext } from "../resource-type";
import type { StoredResource } from "../store";
import { sameId } from "./common";

export const NIC = "Microsoft.Network/networkInterfaces";
export const VMSS_VM = "Microsoft.Compute/virtualMachineScaleSets/virtualMachines";

export interface SubnetIpConfiguration {
  id: string;
  subnetId: string;
  privateIPAddress: string;
  owner: StoredResource;
}

/** Every IP configuration placed in a subnet: NIC ipConfigurations and scale-set instances' NICs. */
export function ipConfigurationsIn(ctx: ArmContext, subnetId: string): SubnetIpConfiguration[] {
  const found: SubnetIpConfiguration[] = [];
  for (const holder of ctx.store.referencing(subnetId)) {
    if (holder.type === NIC) {
      for (const ipc of holder.body.properties?.ipConfigurations ?? []) {
        if (sameId(ipc.properties?.subnet?.id, subnetId)) found.push({ id: ipc.id, subnetId, privateIPAddress: ipc.properties.privateIPAddress, owner: holder });
      }
    } else if (holder.type === VMSS_VM) {
      for (const ipc of holder.body.properties?.networkProfileConfiguration?.ipConfigurations ?? []) {
        if (sameId(ipc.subnetId, subnetId)) found.push({ id: ipc.id, subnetId, privateIPAddress: ipc.privateIPAddress, owner: holder });
      }
    }
  }
  return found;
}

/** The next free address of the subnet (Azure hands them out from .4 upwards), or SubnetIsFull. */
export function allocateAddress(ctx: ArmContext, subnet: StoredResource, taken: Set<string> = new Set()): string {
  const used = new Set(ipConfigurationsIn(ctx, subnet.id).map((c) => c.privateIPAddress));
  for (const address of subnetHostAddresses(parsePrefix(subnet.body.properties.addressPrefix))) {
    if (!used.has(address) && !taken.has(address)) return address;
  }
  throw new ArmError(400, "SubnetIsFull", `Subnet ${subnet.name} with address prefix ${subnet.body.properties.addressPrefix} does not have enough capacity for 1 IP addresses.`);
}

export function checkStaticAddress(ctx: ArmContext, subnet: StoredResource, address: string, ownerId: string): void {
  if (!prefixHoldsAddress(parsePrefix(subnet.body.properties.addressPrefix), address)) {
    throw new ArmError(400, "PrivateIPAddressNotInSubnet", `IP address ${address} does not belong to the subnet ${subnet.id}.`);
  }
  const holder = ipConfigurationsIn(ctx, subnet.id).find((c) => c.privateIPAddress === address && !sameId(c.owner.id, ownerId));
  if (holder) throw new ArmError(400, "PrivateIPAddressInUse", `IP configuration ${ownerId} is using the private IP address ${address} which is already allocated to resource ${holder.id}.`);
}
