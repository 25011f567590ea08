import type { NetworkInterface } from "@azure/arm-network";
import type { ClientsForSubscription } from "./topology/read-topology";
import { idParts, vnetIdOfSubnet } from "./topology/arm-id";
import { explainReadError } from "./errors";
import { agentVnetRequired, readInstanceIdentity } from "./imds";

/** A Uniform scale-set instance: IMDS gives `.../virtualMachineScaleSets/{vmss}/virtualMachines/{instanceId}`. */
const SCALE_SET_INSTANCE =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/([^/]+)\/virtualMachines\/([^/]+)$/i;

/**
 * The VNet of the machine this runs on: IMDS gives the VM (or scale-set instance), ARM its primary NIC and that
 * NIC's subnet. A VM's NICs are in its networkProfile; a Uniform scale-set instance's NICs are read from the
 * Network provider (`networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces`).
 */
export async function discoverAgentVnet(clientsFor: ClientsForSubscription, imdsEndpoint?: string): Promise<string> {
  const { resourceId } = await readInstanceIdentity(imdsEndpoint);
  const instance = SCALE_SET_INSTANCE.exec(resourceId);
  try {
    const nic = instance ? await scaleSetInstanceNic(clientsFor, instance) : await vmNic(clientsFor, resourceId);
    const subnetId = (nic.ipConfigurations?.find((c) => c.primary) ?? nic.ipConfigurations?.[0])?.subnet?.id;
    if (!subnetId) throw agentVnetRequired(`the primary NIC ${nic.id ?? ""} of ${resourceId} has no subnet`);
    return vnetIdOfSubnet(subnetId);
  } catch (error) {
    throw explainReadError(error, instance ? "this agent's scale-set instance" : "this agent VM", resourceId);
  }
}

async function vmNic(clientsFor: ClientsForSubscription, vmId: string): Promise<NetworkInterface> {
  const vm = idParts(vmId);
  const machine = await clientsFor(vm.subscriptionId).compute.virtualMachines.get(vm.resourceGroup, vm.name);
  const nics = machine.networkProfile?.networkInterfaces ?? [];
  const nicId = (nics.find((n) => n.primary) ?? nics[0])?.id;
  if (!nicId) throw agentVnetRequired(`VM ${vmId} has no network interface`);
  const nicParts = idParts(nicId);
  return clientsFor(nicParts.subscriptionId).network.networkInterfaces.get(nicParts.resourceGroup, nicParts.name);
}

async function scaleSetInstanceNic(clientsFor: ClientsForSubscription, instance: RegExpExecArray): Promise<NetworkInterface> {
  const [id, subscriptionId, resourceGroup, scaleSet, instanceId] = instance;
  const nics: NetworkInterface[] = [];
  for await (const nic of clientsFor(subscriptionId.toLowerCase()).network.networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces(
    resourceGroup,
    scaleSet,
    instanceId,
  ))
    nics.push(nic);
  const nic = nics.find((n) => n.primary) ?? nics[0];
  if (!nic) throw agentVnetRequired(`scale-set instance ${id} has no network interface`);
  return nic;
}
