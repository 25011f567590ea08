import { parentIdOf } from "../arm/resource-id";
import type { Json, ResourceStore, StoredResource } from "../arm/store";
import { VMSS_VM } from "../arm/types/address-allocation";
import { VM } from "../arm/types/compute";
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

function keysOf(osProfile: Json): string[] {
  const keys: Json[] = osProfile?.linuxConfiguration?.ssh?.publicKeys ?? [];
  return keys.map((k) => String(k.keyData ?? "")).filter((k) => k.length > 0);
}

function vmMachine(store: ResourceStore, vm: StoredResource): Machine {
  const props = vm.body.properties ?? {};
  const nics: Json[] = props.networkProfile?.networkInterfaces ?? [];
  const privateAddresses = nics.flatMap((ref) => {
    const configurations: Json[] = store.getResource(String(ref.id))?.body.properties?.ipConfigurations ?? [];
    return configurations.map((c) => c.properties?.privateIPAddress).filter((a): a is string => typeof a === "string");
  });
  return {
    resource: vm,
    target: vmTarget(vm),
    authorizedKeys: keysOf(props.osProfile),
    privateAddresses,
    bootDiagnosticsEnabled: props.diagnosticsProfile?.bootDiagnostics?.enabled === true,
  };
}

function instanceMachine(scaleSet: StoredResource, instance: StoredResource): Machine {
  const props = instance.body.properties ?? {};
  const configurations: Json[] = props.networkProfileConfiguration?.ipConfigurations ?? [];
  return {
    resource: instance,
    target: instanceTarget(scaleSet, instance),
    authorizedKeys: keysOf(props.osProfile ?? scaleSet.body.properties?.virtualMachineProfile?.osProfile),
    privateAddresses: configurations.map((c) => c.privateIPAddress).filter((a): a is string => typeof a === "string"),
    bootDiagnosticsEnabled: scaleSet.body.properties?.virtualMachineProfile?.diagnosticsProfile?.bootDiagnostics?.enabled === true,
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
