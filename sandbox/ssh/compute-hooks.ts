import type { ResourceTypeSpec, TypeRegistry } from "../arm/resource-type";
import { VMSS_VM } from "../arm/types/address-allocation";
import { VM } from "../arm/types/compute";
import { hook } from "../vm-agent/arm-hooks";
import type { BootDiagnostics } from "./boot-diagnostics";
import type { SandboxSsh } from "./sandbox-ssh";

/**
 * Where Microsoft.Compute meets boot diagnostics and SSH: VMs and scale-set instances gain the
 * retrieveBootDiagnosticsData action, and deleting one stops its SSH server and voids its boot diagnostics URIs.
 */
export function installComputeSshHooks(types: TypeRegistry, bootDiagnostics: BootDiagnostics, ssh: SandboxSsh | undefined): void {
  for (const type of [VM, VMSS_VM]) {
    const spec = types.get(type) as ResourceTypeSpec;
    types.register({ ...spec, actions: { ...spec.actions, retrieveBootDiagnosticsData: bootDiagnostics.retrieve } });
    hook(types, type, {
      afterDelete: (_ctx, machine) => {
        bootDiagnostics.forget(machine.id);
        ssh?.forget(machine.id);
      },
    });
  }
}
