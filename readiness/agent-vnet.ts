import type { ClientsForSubscription } from "./topology/read-topology";
import { idParts, vnetIdOfSubnet } from "./topology/arm-id";
import { explainReadError } from "./errors";
import { agentVnetRequired, currentVmResourceId } from "./imds";

/** The VNet of the VM this runs on: IMDS gives the VM, ARM its primary NIC and that NIC's subnet. */
export async function discoverAgentVnet(clientsFor: ClientsForSubscription, imdsEndpoint?: string): Promise<string> {
  const vmId = await currentVmResourceId(imdsEndpoint);
  if (!vmId) throw agentVnetRequired();
  const vm = idParts(vmId);
  const clients = clientsFor(vm.subscriptionId);
  try {
    const machine = await clients.compute.virtualMachines.get(vm.resourceGroup, vm.name);
    const nics = machine.networkProfile?.networkInterfaces ?? [];
    const nicId = (nics.find((n) => n.primary) ?? nics[0])?.id;
    if (!nicId) throw agentVnetRequired();
    const nicParts = idParts(nicId);
    const nic = await clientsFor(nicParts.subscriptionId).network.networkInterfaces.get(nicParts.resourceGroup, nicParts.name);
    const subnetId = (nic.ipConfigurations?.find((c) => c.primary) ?? nic.ipConfigurations?.[0])?.subnet?.id;
    if (!subnetId) throw agentVnetRequired();
    return vnetIdOfSubnet(subnetId);
  } catch (error) {
    throw explainReadError(error, "this agent VM", vmId);
  }
}
