import { idParts } from "../readiness/topology/arm-id";
import type { ProvisionerConfig } from "./config/config-types";

/** Where amlvnet's resources live, computed from the config alone (plan needs them before anything exists). */
export interface ResourceIds {
  resourceGroupId: string;
  /** The agent VNet: the one amlvnet creates in resourceGroup, or the existing one given by ID. */
  vnetId: string;
  vnetName: string;
  vnetResourceGroup: string;
  vnetSubscription: string;
  subnetId: string;
  nsgId: string;
  scaleSetName: string;
  scaleSetId: string;
  /** Name of the i-th agent VM (1-based). */
  vmName(index: number): string;
  nicName(vmName: string): string;
  vmId(vmName: string): string;
  nicId(vmName: string): string;
  /** Whether a VM name is one of this pool's agent VMs (any index), and which index. */
  vmIndex(vmName: string): number | undefined;
}

export const AGENT_EXTENSION_NAME = "amlvnet-agent";

export function resourceIds(config: ProvisionerConfig): ResourceIds {
  const rg = `/subscriptions/${config.subscription}/resourceGroups/${config.resourceGroup}`;
  const provider = (type: string, name: string) => `${rg}/providers/${type}/${name}`;
  let vnetId: string;
  let vnetName: string;
  let vnetResourceGroup: string;
  let vnetSubscription: string;
  if (config.network.vnet.kind === "existing") {
    vnetId = config.network.vnet.id;
    ({ subscriptionId: vnetSubscription, resourceGroup: vnetResourceGroup, name: vnetName } = idParts(vnetId));
  } else {
    vnetName = config.network.vnet.name;
    vnetId = provider("Microsoft.Network/virtualNetworks", vnetName);
    vnetResourceGroup = config.resourceGroup;
    vnetSubscription = config.subscription;
  }
  const prefix = config.vm.namePrefix;
  const scaleSetName = `vmss-${prefix.replace(/^vm-/, "")}`.slice(0, 60);
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(\\d+)$`, "i");
  return {
    resourceGroupId: rg,
    vnetId,
    vnetName,
    vnetResourceGroup,
    vnetSubscription,
    subnetId: `${vnetId}/subnets/${config.network.subnet.name}`,
    nsgId: provider("Microsoft.Network/networkSecurityGroups", config.network.nsgName),
    scaleSetName,
    scaleSetId: provider("Microsoft.Compute/virtualMachineScaleSets", scaleSetName),
    vmName: (index) => `${prefix}-${index}`,
    nicName: (vmName) => `${vmName}-nic`,
    vmId: (vmName) => provider("Microsoft.Compute/virtualMachines", vmName),
    nicId: (vmName) => provider("Microsoft.Network/networkInterfaces", `${vmName}-nic`),
    vmIndex: (vmName) => {
      const match = pattern.exec(vmName);
      return match ? Number(match[1]) : undefined;
    },
  };
}
