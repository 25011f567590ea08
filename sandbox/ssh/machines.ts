import { parentIdOf } from "../arm/resource-id";
import type { ResourceStore, StoredResource } from "../arm/store";
import { VMSS_VM } from "../arm/types/address-allocation";
import { VM } from "../arm/types/compute";
import type { WireOsProfile } from "../arm/types/compute-profile";
import { scaleSetBody } from "../arm/types/scale-set";
import { scaleSetVmBody } from "../arm/types/scale-set-vm";
import { vmBody } from "../arm/types/virtual-machine";
import { asObject, asObjects, propertiesOf } from "../arm/types/wire";
import { instanceTarget, vmTarget } from "../vm-agent/arm-hooks";
import type { VmTarget } from "../vm-agent/vm-files";

/**
 * The sandbox's VMs and scale-set instances as SSH and boot diagnostics see them, read from the ARM store each
 * time (a VM's keys, addresses and settings are what its last write made them).
 */

export interface Machine {
  resource: StoredResource;
  /** Where its commands run and as whom (see sandbox/vm-agent). */
  target: VmTarget;
  /** osProfile.linuxConfiguration.ssh.publicKeys[].keyData. */
  authorizedKeys: string[];
  /** Private IPs of its NICs (a VM's NIC resources; an instance's own network configuration). */
  privateAddresses: string[];
  bootDiagnosticsEnabled: boolean;
}

function keysOf(osProfile: WireOsProfile): string[] {
  return osProfile.linuxConfiguration.ssh.publicKeys.map((k) => k.keyData).filter((k) => k.length > 0);
}

function vmMachine(store: ResourceStore, vm: StoredResource): Machine {
  const props = vmBody(vm).properties;
  const privateAddresses = props.networkProfile.networkInterfaces.flatMap((ref) => {
    // The NIC is the Network provider's (its own file's shape): read it by narrowing.
    const configurations = asObjects(propertiesOf(store.getResource(ref.id)?.body).ipConfigurations);
    return configurations.map((c) => propertiesOf(c).privateIPAddress).filter((a): a is string => typeof a === "string");
  });
  return {
    resource: vm,
    target: vmTarget(vm),
    authorizedKeys: keysOf(props.osProfile),
    privateAddresses,
    bootDiagnosticsEnabled: props.diagnosticsProfile?.bootDiagnostics.enabled === true,
  };
}

function instanceMachine(scaleSet: StoredResource, instance: StoredResource): Machine {
  const props = scaleSetVmBody(instance).properties;
  const profile = scaleSetBody(scaleSet).properties.virtualMachineProfile;
  return {
    resource: instance,
    target: instanceTarget(scaleSet, instance),
    authorizedKeys: keysOf(props.osProfile ?? profile.osProfile),
    privateAddresses: props.networkProfileConfiguration.ipConfigurations.map((c) => c.privateIPAddress).filter((a) => typeof a === "string"),
    bootDiagnosticsEnabled: asObject(asObject(profile.diagnosticsProfile).bootDiagnostics).enabled === true,
  };
}

export function machineOf(store: ResourceStore, resource: StoredResource): Machine | undefined {
  if (resource.type === VM) return vmMachine(store, resource);
  if (resource.type !== VMSS_VM) return undefined;
  const scaleSet = store.getResource(parentIdOf(resource.id) ?? "");
  return scaleSet ? instanceMachine(scaleSet, resource) : undefined;
}

export function machineById(store: ResourceStore, id: string): Machine | undefined {
  const resource = store.getResource(id);
  return resource ? machineOf(store, resource) : undefined;
}

export function allMachines(store: ResourceStore): Machine[] {
  return store
    .resources()
    .filter((r) => r.type === VM || r.type === VMSS_VM)
    .map((r) => machineOf(store, r))
    .filter((m): m is Machine => m !== undefined);
}

/** The one machine holding `address`; none when no machine or several (VNets apart may reuse a range) hold it. */
export function machineAt(store: ResourceStore, address: string): Machine | undefined {
  const holders = allMachines(store).filter((m) => m.privateAddresses.includes(address));
  return holders.length === 1 ? holders[0] : undefined;
}
