/**
 * Private addresses in subnets. Azure keeps x.x.x.0-3 and the last address of every subnet (learn.microsoft.com
 * virtual-network/virtual-networks-faq, "Are there any restrictions on using IP addresses within these subnets?"),
 * so dynamic allocation starts at .4. SubnetIsFull's code and message as ARM sent them: MicrosoftDocs/azure-docs#88211.
 * The ipConfigurations read here are the ones the sandbox stored (NIC: azure-rest-api-specs network
 * `networkInterface.json` NetworkInterfaceIPConfiguration; scale-set instances: sandbox/arm/types/scale-set-vm.ts).
 */
import { ArmError } from "../arm-error";
import { parsePrefix, prefixHoldsAddress, subnetHostAddresses } from "../ip-prefix";
import type { ArmContext } from "../resource-type";
import type { StoredResource } from "../store";
import { guidFrom } from "../../http/random";
import { sameId } from "./common";
import { subnetPrefixOf } from "./virtual-network";
import { asObject, asObjects, asString, propertiesOf, refIdOf } from "./wire";

export const NIC = "Microsoft.Network/networkInterfaces";
export const VMSS_VM = "Microsoft.Compute/virtualMachineScaleSets/virtualMachines";
const ML_COMPUTE = "Microsoft.MachineLearningServices/workspaces/computes";

export interface SubnetIpConfiguration {
  id: string;
  subnetId: string;
  privateIPAddress: string;
  owner: StoredResource;
}

/** Every IP configuration placed in a subnet: NIC ipConfigurations, scale-set instances' NICs and AmlCompute nodes. */
export function ipConfigurationsIn(ctx: ArmContext, subnetId: string): SubnetIpConfiguration[] {
  const found: SubnetIpConfiguration[] = [];
  for (const holder of ctx.store.referencing(subnetId)) {
    if (holder.type === NIC) {
      for (const ipc of asObjects(propertiesOf(holder.body).ipConfigurations)) {
        if (sameId(refIdOf(propertiesOf(ipc).subnet), subnetId))
          found.push({ id: String(ipc.id), subnetId, privateIPAddress: String(propertiesOf(ipc).privateIPAddress), owner: holder });
      }
    } else if (holder.type === VMSS_VM) {
      for (const ipc of asObjects(asObject(propertiesOf(holder.body).networkProfileConfiguration).ipConfigurations)) {
        if (sameId(asString(ipc.subnetId), subnetId))
          found.push({ id: String(ipc.id), subnetId, privateIPAddress: String(ipc.privateIPAddress), owner: holder });
      }
    } else if (holder.type === ML_COMPUTE) {
      for (const node of computeNodeAddresses(holder)) found.push({ ...node, subnetId, owner: holder });
    }
  }
  return found;
}

/** The next free address of the subnet (Azure hands them out from .4 upwards), or SubnetIsFull. */
export function allocateAddress(ctx: ArmContext, subnet: StoredResource, taken: Set<string> = new Set()): string {
  const used = new Set(ipConfigurationsIn(ctx, subnet.id).map((c) => c.privateIPAddress));
  for (const address of subnetHostAddresses(parsePrefix(subnetPrefixOf(subnet)))) {
    if (!used.has(address) && !taken.has(address)) return address;
  }
  throw new ArmError(
    400,
    "SubnetIsFull",
    `Subnet ${subnet.name} with address prefix ${subnetPrefixOf(subnet)} does not have enough capacity for 1 IP addresses.`,
  );
}

export function checkStaticAddress(ctx: ArmContext, subnet: StoredResource, address: string, ownerId: string): void {
  if (!prefixHoldsAddress(parsePrefix(subnetPrefixOf(subnet)), address)) {
    throw new ArmError(400, "PrivateIPAddressNotInSubnet", `IP address ${address} does not belong to the subnet ${subnet.id}.`);
  }
  const holder = ipConfigurationsIn(ctx, subnet.id).find((c) => c.privateIPAddress === address && !sameId(c.owner.id, ownerId));
  if (holder)
    throw new ArmError(
      400,
      "PrivateIPAddressInUse",
      `IP configuration ${ownerId} is using the private IP address ${address} which is already allocated to resource ${holder.id}.`,
    );
}

/**
 * The running nodes of an AmlCompute cluster each hold one address of its subnet (Azure ML docs, "Secure a
 * training environment with virtual networks": the subnet needs one address per node; a running node's NIC is an
 * ipConfiguration of the subnet). The nodes' NICs live in a Microsoft-managed subscription that a customer cannot
 * read: the ID below only has that shape, the exact IDs real Azure lists are not published (unverified).
 */
export interface ComputeNodeAddress {
  id: string;
  privateIPAddress: string;
}

function computeNodeAddresses(compute: StoredResource): ComputeNodeAddress[] {
  return (compute.internal.nodeAddresses as ComputeNodeAddress[] | undefined) ?? [];
}

/** Gives an AmlCompute cluster's `currentNodeCount` nodes their addresses (kept across writes while they run). */
export function assignComputeNodeAddresses(ctx: ArmContext, compute: StoredResource): void {
  const computeProps = propertiesOf(compute.body);
  const inner = propertiesOf(computeProps);
  const subnetId = refIdOf(inner.subnet);
  const subnet = subnetId ? ctx.resolve(subnetId) : undefined;
  const count = computeProps.computeType === "AmlCompute" && subnet ? Number(inner.currentNodeCount ?? 0) : 0;
  const kept = computeNodeAddresses(compute)
    .filter((node) => subnet && prefixHoldsAddress(parsePrefix(subnetPrefixOf(subnet)), node.privateIPAddress))
    .slice(0, count);
  ctx.store.updateBody(compute, () => undefined, { nodeAddresses: kept });
  const taken = new Set(kept.map((node) => node.privateIPAddress));
  const managedGroup = `/subscriptions/${guidFrom(compute.id.toLowerCase() + "batch")}/resourceGroups/${guidFrom(compute.id.toLowerCase())}-azurebatch-cloudservicenormalpool`;
  const used = new Set(subnet ? ipConfigurationsIn(ctx, subnet.id).map((c) => c.privateIPAddress) : []);
  const candidates = subnet ? subnetHostAddresses(parsePrefix(subnetPrefixOf(subnet))) : undefined;
  const nextFree = (): string | undefined => {
    for (let next = candidates?.next(); next && !next.done; next = candidates?.next()) if (!used.has(next.value) && !taken.has(next.value)) return next.value;
    return undefined;
  };
  for (let index = kept.length; subnet && index < count; index++) {
    // A full subnet does not refuse the compute's PUT: the cluster simply cannot start more nodes (its resize fails).
    const address = nextFree();
    if (!address) break;
    taken.add(address);
    kept.push({ id: `${managedGroup}/providers/Microsoft.Network/networkInterfaces/node-${index}/ipConfigurations/ipconfig`, privateIPAddress: address });
  }
  const current = ctx.resolve(compute.id) as StoredResource;
  ctx.store.updateBody(current, () => undefined, { nodeAddresses: kept });
}
