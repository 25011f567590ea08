import { parentIdOf, parseResourceId } from "../arm/resource-id";
import type { ArmContext, ResourceTypeSpec, TypeRegistry } from "../arm/resource-type";
import type { StoredResource } from "../arm/store";
import { VMSS_VM } from "../arm/types/address-allocation";
import { PROFILE_EXTENSION_SECRETS, VM, VM_EXTENSION, VMSS, VMSS_EXTENSION } from "../arm/types/compute";
import { scaleSetBody } from "../arm/types/scale-set";
import { scaleSetVmBody } from "../arm/types/scale-set-vm";
import { vmBody } from "../arm/types/virtual-machine";
import { asObject, asObjects, propertiesOf } from "../arm/types/wire";
import type { ExtensionSpec } from "./extension-run";
import type { VmTarget } from "./vm-files";

/**
 * Where Microsoft.Compute writes meet the VM agent: an extension PUT on a VM runs there; a scale set's model
 * extensions (its extensionProfile and its `extensions` children) run on every instance it creates, and a PUT of
 * a scale-set extension runs on every existing instance; deleting an extension, VM or instance stops its scripts.
 * Each run is tied to the resource whose PUT operation waits for it (the extension, or the scale set).
 */

export interface ComputeHookTarget {
  runOn(operationResourceId: string, target: VmTarget, extension: ExtensionSpec): void;
  forgetExtension(vmId: string, name: string): void;
  forgetVm(vmId: string): void;
}

type AfterWrite = NonNullable<ResourceTypeSpec["afterWrite"]>;
type AfterDelete = NonNullable<ResourceTypeSpec["afterDelete"]>;

export function hook(types: TypeRegistry, type: string, hooks: { afterWrite?: (original: AfterWrite) => AfterWrite; afterDelete?: AfterDelete }): void {
  const spec = types.get(type);
  if (!spec) throw new Error(`the type registry has no ${type}`);
  const originalWrite: AfterWrite = spec.afterWrite ?? (() => undefined);
  const originalDelete = spec.afterDelete;
  types.register({
    ...spec,
    afterWrite: hooks.afterWrite ? hooks.afterWrite(originalWrite) : spec.afterWrite,
    afterDelete: hooks.afterDelete
      ? (ctx, resource) => {
          originalDelete?.(ctx, resource);
          hooks.afterDelete?.(ctx, resource);
        }
      : originalDelete,
  });
}

/** An extension as the VM agent receives it: public settings from the body, protectedSettings kept aside. */
export function extensionSpec(name: string, properties: unknown, protectedSettings: unknown): ExtensionSpec {
  const { publisher, type, typeHandlerVersion, settings, forceUpdateTag } = asObject(properties);
  return {
    name,
    publisher: String(publisher ?? ""),
    type: String(type ?? ""),
    typeHandlerVersion: String(typeHandlerVersion ?? ""),
    settings: settings ?? {},
    protectedSettings,
    forceUpdateTag,
  };
}

function storedExtension(resource: StoredResource): ExtensionSpec {
  return extensionSpec(resource.name, propertiesOf(resource.body), asObject(resource.internal.secrets).protectedSettings);
}

function groupOf(id: string): string {
  return parseResourceId(id)?.resourceGroup ?? "";
}

export function vmTarget(vm: StoredResource): VmTarget {
  const os = vmBody(vm).properties.osProfile;
  return {
    vmId: vm.id,
    resourceGroup: groupOf(vm.id),
    dirName: vm.name,
    computerName: String(os.computerName ?? vm.name),
    adminUser: String(os.adminUsername ?? "azureuser"),
  };
}

export function instanceTarget(scaleSet: StoredResource, instance: StoredResource): VmTarget {
  const os = scaleSetVmBody(instance).properties.osProfile ?? scaleSetBody(scaleSet).properties.virtualMachineProfile.osProfile;
  return {
    vmId: instance.id,
    resourceGroup: groupOf(instance.id),
    dirName: `${scaleSet.name}_${instance.name}`,
    computerName: String(os.computerName ?? `${scaleSet.name}_${instance.name}`),
    adminUser: String(os.adminUsername ?? "azureuser"),
  };
}

/** The scale set's model extensions: its extensionProfile plus its `extensions` child resources. */
function modelExtensions(ctx: ArmContext, scaleSet: StoredResource): ExtensionSpec[] {
  const secrets = asObject(scaleSet.internal[PROFILE_EXTENSION_SECRETS]);
  const profile = asObjects(asObject(scaleSetBody(scaleSet).properties.virtualMachineProfile.extensionProfile).extensions);
  const specs = profile.map((e) => extensionSpec(String(e.name), e.properties, secrets[String(e.name)]));
  for (const child of ctx.store.childrenOf(scaleSet.id, VMSS_EXTENSION)) {
    if (!specs.some((s) => s.name.toLowerCase() === child.name.toLowerCase())) specs.push(storedExtension(child));
  }
  return specs;
}

export function installComputeHooks(types: TypeRegistry, agent: ComputeHookTarget): void {
  hook(types, VM_EXTENSION, {
    afterWrite: (original) => (ctx, extension, previous) => {
      original(ctx, extension, previous);
      const vm = ctx.resolve(parentIdOf(extension.id) ?? "");
      if (vm) agent.runOn(extension.id, vmTarget(vm), storedExtension(extension));
    },
    afterDelete: (_ctx, extension) => agent.forgetExtension(parentIdOf(extension.id) ?? "", extension.name),
  });
  hook(types, VM, { afterDelete: (_ctx, vm) => agent.forgetVm(vm.id) });
  hook(types, VMSS_VM, { afterDelete: (_ctx, instance) => agent.forgetVm(instance.id) });
  hook(types, VMSS, {
    afterWrite: (original) => (ctx, scaleSet, previous) => {
      const before = new Set(ctx.store.childrenOf(scaleSet.id, VMSS_VM).map((i) => i.id.toLowerCase()));
      original(ctx, scaleSet, previous);
      const current = ctx.resolve(scaleSet.id) as StoredResource;
      const added = ctx.store.childrenOf(current.id, VMSS_VM).filter((i) => !before.has(i.id.toLowerCase()));
      for (const instance of added)
        for (const extension of modelExtensions(ctx, current)) agent.runOn(current.id, instanceTarget(current, instance), extension);
    },
  });
  hook(types, VMSS_EXTENSION, {
    afterWrite: (original) => (ctx, extension, previous) => {
      original(ctx, extension, previous);
      const scaleSet = ctx.resolve(parentIdOf(extension.id) ?? "");
      if (!scaleSet) return;
      for (const instance of ctx.store.childrenOf(scaleSet.id, VMSS_VM))
        agent.runOn(extension.id, instanceTarget(scaleSet, instance), storedExtension(extension));
    },
    afterDelete: (ctx, extension) => {
      for (const instance of ctx.store.childrenOf(parentIdOf(extension.id) ?? "", VMSS_VM)) agent.forgetExtension(instance.id, extension.name);
    },
  });
}
