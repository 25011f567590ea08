import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import { ResourceTypeSpec, requireReference } from "../resource-type";
import type { Json, StoredResource } from "../store";
import { allocateAddress, NIC, VMSS_VM } from "./address-allocation";
import { requireSameRegion, sameId, vnetOfSubnet } from "./common";

export const VM = "Microsoft.Compute/virtualMachines";
export const VM_EXTENSION = "Microsoft.Compute/virtualMachines/extensions";
export const VMSS = "Microsoft.Compute/virtualMachineScaleSets";
export const VMSS_EXTENSION = "Microsoft.Compute/virtualMachineScaleSets/extensions";
/** `internal` key of a scale set: its profile extensions' protectedSettings by extension name (for the instances). */
export const PROFILE_EXTENSION_SECRETS = "profileExtensionSecrets";
export const DISK = "Microsoft.Compute/disks";
const SUBNET = "Microsoft.Network/virtualNetworks/subnets";

function identityOf(request: { id: string; body: Json; existing?: StoredResource }, tenantId: string): Json | undefined {
  const type: string | undefined = request.body.identity?.type;
  if (!type || type === "None") return undefined;
  return { type, principalId: request.existing?.body.identity?.principalId ?? guidFrom(request.id + "principal"), tenantId };
}

function withoutProtectedSettings(properties: Json): Json {
  if (!properties) return properties;
  const { protectedSettings: _secret, ...rest } = properties;
  return rest;
}

/** Linux-only profile checks the sandbox enforces: SSH keys, and never a password echoed back. */
function osProfileOf(request: { id: string; body: Json }, profile: Json): Json {
  if (!profile?.adminUsername) throw new ArmError(400, "InvalidParameter", `Required parameter 'adminUsername' is missing (null). Target: 'osProfile.adminUsername' of ${request.id}.`);
  const keys: Json[] = profile.linuxConfiguration?.ssh?.publicKeys ?? [];
  if (!profile.adminPassword && keys.length === 0) {
    throw new ArmError(400, "InvalidParameter", "Parameter 'osProfile.linuxConfiguration.ssh.publicKeys' is required when password authentication is disabled. Target: 'linuxConfiguration'.");
  }
  for (const key of keys) {
    if (!/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+/.test(String(key.keyData ?? ""))) {
      throw new ArmError(400, "InvalidParameter", "The value of parameter linuxConfiguration.ssh.publicKeys.keyData is invalid. Target: 'linuxConfiguration.ssh.publicKeys.keyData'.");
    }
  }
  return {
    computerName: profile.computerName ?? request.id.split("/").pop(),
    adminUsername: profile.adminUsername,
    linuxConfiguration: {
      disablePasswordAuthentication: profile.linuxConfiguration?.disablePasswordAuthentication ?? !profile.adminPassword,
      ssh: { publicKeys: keys.map((k) => ({ path: k.path ?? `/home/${profile.adminUsername}/.ssh/authorized_keys`, keyData: k.keyData })) },
      provisionVMAgent: true,
    },
    secrets: [],
    allowExtensionOperations: true,
  };
}

/** Boot diagnostics as stored: enabled, and a storage account's blob endpoint unless it uses managed storage. */
function diagnosticsProfileOf(profile: Json): Json | undefined {
  const boot = profile?.bootDiagnostics;
  if (!boot) return undefined;
  return { bootDiagnostics: { enabled: boot.enabled === true, ...(boot.storageUri ? { storageUri: String(boot.storageUri) } : {}) } };
}

export function computeTypes(tenantId: string): ResourceTypeSpec[] {
  // A scale set PUT's profile protectedSettings, from write to afterWrite (which keeps them in `internal`).
  const profileSecrets = new Map<string, Record<string, Json>>();

  const virtualMachine: ResourceTypeSpec = {
    type: VM,
    lro: "compute",
    placement: "tracked",
    inProgressState: "Creating",
    write(ctx, request) {
      const props = request.body.properties ?? {};
      const location = String(request.body.location).replace(/\s+/g, "").toLowerCase();
      if (!props.hardwareProfile?.vmSize) throw new ArmError(400, "InvalidParameter", `Required parameter 'hardwareProfile.vmSize' is missing (null). Target: 'vmSize'.`);
      const nics: Json[] = props.networkProfile?.networkInterfaces ?? [];
      if (nics.length === 0) throw new ArmError(400, "InvalidParameter", "Required parameter 'networkProfile' is missing (null). Target: 'networkProfile'.");
      for (const ref of nics) {
        const nic = requireReference(ctx, ref, NIC, request.id);
        requireSameRegion("Network interface", location, nic.id, nic.body.location, request.id);
        const other = ctx.store.referencing(nic.id).find((r) => r.type === VM && !sameId(r.id, request.id));
        if (other) throw new ArmError(400, "NicReservedForAnotherVm", `Nic(s) in request is reserved for another Virtual Machine for 180 seconds. Please provide another nic(s) or retry after 180 seconds. Reserved VM: ${other.id}`);
      }
      const osDisk = props.storageProfile?.osDisk ?? {};
      const diskName = request.existing?.body.properties.storageProfile.osDisk.name ?? osDisk.name ?? `${request.address.names[0]}_OsDisk_1_${guidFrom(request.id).replace(/-/g, "")}`;
      const rgId = request.id.split("/providers/")[0];
      const diagnosticsProfile = diagnosticsProfileOf(props.diagnosticsProfile ?? request.existing?.body.properties.diagnosticsProfile);
      const out: Json = {
        properties: {
          vmId: request.existing?.body.properties.vmId ?? guidFrom(request.id + "vmId"),
          hardwareProfile: { vmSize: props.hardwareProfile.vmSize },
          storageProfile: {
            imageReference: props.storageProfile?.imageReference,
            osDisk: {
              osType: "Linux",
              name: diskName,
              createOption: osDisk.createOption ?? "FromImage",
              caching: osDisk.caching ?? "ReadWrite",
              managedDisk: { storageAccountType: osDisk.managedDisk?.storageAccountType ?? "Premium_LRS", id: `${rgId}/providers/Microsoft.Compute/disks/${diskName}` },
              deleteOption: osDisk.deleteOption ?? "Detach",
              diskSizeGB: osDisk.diskSizeGB ?? 30,
            },
            dataDisks: [],
          },
          osProfile: osProfileOf(request, props.osProfile ?? request.existing?.body.properties.osProfile),
          networkProfile: { networkInterfaces: nics.map((n) => ({ id: n.id, properties: { primary: n.properties?.primary ?? nics.length === 1, deleteOption: n.properties?.deleteOption ?? "Detach" } })) },
          ...(diagnosticsProfile ? { diagnosticsProfile } : {}),
          timeCreated: request.existing?.body.properties.timeCreated ?? new Date().toISOString(),
        },
      };
      const identity = identityOf(request, tenantId);
      if (identity) out.identity = identity;
      return out;
    },
    afterWrite(ctx, vm) {
      const disk = vm.body.properties.storageProfile.osDisk;
      if (ctx.resolve(disk.managedDisk.id)) return;
      ctx.putInternal(disk.managedDisk.id, DISK, { location: vm.body.location, sku: { name: disk.managedDisk.storageAccountType }, properties: { osType: "Linux", diskSizeGB: disk.diskSizeGB, creationData: { createOption: "FromImage" } } });
    },
    view(ctx, vm, body) {
      const disk = ctx.resolve(vm.body.properties.storageProfile.osDisk.managedDisk.id);
      if (disk) body.properties.storageProfile.osDisk.managedDisk.id = disk.id;
    },
    afterDelete(ctx, vm) {
      const disk = vm.body.properties.storageProfile.osDisk;
      if (disk.deleteOption === "Delete") ctx.deleteInternal(disk.managedDisk.id);
      for (const nic of vm.body.properties.networkProfile.networkInterfaces) if (nic.properties.deleteOption === "Delete") ctx.deleteInternal(nic.id);
    },
  };

  const managedDisk: ResourceTypeSpec = {
    type: DISK,
    lro: "compute",
    placement: "tracked",
    write(_ctx, request) {
      const props = request.body.properties ?? {};
      return { sku: request.body.sku ?? { name: "Premium_LRS" }, properties: { osType: props.osType, diskSizeGB: props.diskSizeGB ?? 30, creationData: props.creationData ?? { createOption: "Empty" }, diskState: "Unattached", uniqueId: guidFrom(request.id) } };
    },
    view(ctx, disk, body) {
      const vm = ctx.store.referencing(disk.id).find((r) => r.type === VM);
      body.properties.diskState = vm ? "Attached" : "Unattached";
      if (vm) body.managedBy = vm.id;
    },
    checkDelete(ctx, disk) {
      const vm = ctx.store.referencing(disk.id).find((r) => r.type === VM);
      if (vm) throw new ArmError(409, "OperationNotAllowed", `Disk ${disk.name} is attached to VM ${vm.id}.`);
    },
  };

  const extension: ResourceTypeSpec = {
    type: VM_EXTENSION,
    lro: "compute",
    placement: "tracked",
    inProgressState: "Creating",
    write(ctx, request) {
      const props = request.body.properties ?? {};
      for (const required of ["publisher", "type", "typeHandlerVersion"]) {
        if (!props[required]) throw new ArmError(400, "InvalidParameter", `Required parameter '${required}' is missing (null). Target: '${required}'.`);
      }
      // One extension per handler: siblings, and for a scale set its model's extensionProfile too.
      const name = String(request.address.names.at(-1)).toLowerCase();
      const others: Json[] = [...ctx.store.childrenOf(request.parent?.id ?? "").map((e) => e.body), ...(request.parent?.body.properties?.virtualMachineProfile?.extensionProfile?.extensions ?? [])];
      if (others.some((e) => String(e.name).toLowerCase() !== name && `${e.properties?.publisher}.${e.properties?.type}`.toLowerCase() === `${props.publisher}.${props.type}`.toLowerCase())) {
        throw new ArmError(400, "BadRequest", `Multiple VMExtensions per handler not supported for OS type 'Linux'. VMExtension '${request.address.names.at(-1)}' with handler '${props.publisher}.${props.type}' already added or specified in input.`);
      }
      return {
        properties: {
          publisher: props.publisher,
          type: props.type,
          typeHandlerVersion: props.typeHandlerVersion,
          autoUpgradeMinorVersion: props.autoUpgradeMinorVersion ?? false,
          enableAutomaticUpgrade: props.enableAutomaticUpgrade ?? false,
          suppressFailures: props.suppressFailures ?? false,
          settings: props.settings ?? {},
          ...(props.forceUpdateTag ? { forceUpdateTag: props.forceUpdateTag } : {}),
        },
      };
    },
    secretProperties: ["protectedSettings"],
  };

  /** virtualMachineScaleSets/{ss}/extensions: part of the scale set's model, no location of its own. */
  const scaleSetExtension: ResourceTypeSpec = { ...extension, type: VMSS_EXTENSION, placement: "child" };

  const scaleSet: ResourceTypeSpec = {
    type: VMSS,
    lro: "compute",
    placement: "tracked",
    inProgressState: "Creating",
    write(ctx, request) {
      const props = request.body.properties ?? {};
      const capacity = Number(request.body.sku?.capacity ?? 0);
      if (!request.body.sku?.name) throw new ArmError(400, "InvalidParameter", "Required parameter 'sku.name' is missing (null).");
      if (!Number.isInteger(capacity) || capacity < 0 || capacity > 1000) throw new ArmError(400, "InvalidParameter", `The value ${request.body.sku.capacity} of parameter 'sku.capacity' is out of range. Allowed range: 0-1000.`);
      const profile = props.virtualMachineProfile ?? {};
      const location = String(request.body.location).replace(/\s+/g, "").toLowerCase();
      for (const config of profile.networkProfile?.networkInterfaceConfigurations ?? []) {
        for (const ipc of config.properties?.ipConfigurations ?? []) {
          const subnet = requireReference(ctx, ipc.properties?.subnet, SUBNET, request.id);
          const vnet = vnetOfSubnet(ctx, subnet.id);
          if (vnet) requireSameRegion("Virtual network", location, vnet.id, vnet.body.location, request.id);
        }
      }
      // Extension protectedSettings go to the instances and are never returned, as for a VM's extensions.
      const extensions: Json[] | undefined = profile.extensionProfile?.extensions;
      const previous = (request.existing?.internal[PROFILE_EXTENSION_SECRETS] ?? {}) as Record<string, Json>;
      profileSecrets.set(request.id.toLowerCase(), Object.fromEntries((extensions ?? []).map((e) => [e.name, e.properties?.protectedSettings ?? previous[e.name]]).filter(([, v]) => v !== undefined)));
      const storedProfile = extensions
        ? { ...profile, extensionProfile: { ...profile.extensionProfile, extensions: extensions.map((e) => ({ ...e, properties: withoutProtectedSettings(e.properties) })) } }
        : profile;
      const out: Json = {
        sku: { name: request.body.sku.name, tier: request.body.sku.tier ?? "Standard", capacity },
        properties: {
          orchestrationMode: props.orchestrationMode ?? "Uniform",
          upgradePolicy: props.upgradePolicy ?? { mode: "Manual" },
          overprovision: props.overprovision ?? true,
          singlePlacementGroup: props.singlePlacementGroup ?? true,
          platformFaultDomainCount: props.platformFaultDomainCount ?? 5,
          uniqueId: request.existing?.body.properties.uniqueId ?? guidFrom(request.id),
          virtualMachineProfile: { ...storedProfile, osProfile: { ...osProfileOf(request, profile.osProfile), computerNamePrefix: profile.osProfile?.computerNamePrefix ?? request.address.names[0] } },
          timeCreated: request.existing?.body.properties.timeCreated ?? new Date().toISOString(),
        },
      };
      delete out.properties.virtualMachineProfile.osProfile.computerName;
      const identity = identityOf(request, tenantId);
      if (identity) out.identity = identity;
      return out;
    },
    afterWrite(ctx, scaleSet) {
      const capacity: number = scaleSet.body.sku.capacity;
      const instances = ctx.store.childrenOf(scaleSet.id, VMSS_VM).sort((a, b) => Number(a.name) - Number(b.name));
      for (const extra of instances.slice(capacity)) ctx.deleteInternal(extra.id);
      let next = Number(scaleSet.internal.nextInstanceId ?? 0);
      for (let count = instances.length; count < capacity; count++, next++) {
        ctx.putInternal(`${scaleSet.id}/virtualMachines/${next}`, VMSS_VM, { properties: {} });
      }
      const secrets = profileSecrets.get(scaleSet.id.toLowerCase());
      profileSecrets.delete(scaleSet.id.toLowerCase());
      ctx.store.updateBody(ctx.resolve(scaleSet.id) as StoredResource, () => undefined, { nextInstanceId: next, ...(secrets ? { [PROFILE_EXTENSION_SECRETS]: secrets } : {}) });
    },
    view(ctx, scaleSet, body) {
      // Extensions PUT as child resources are part of the model, as Azure shows them.
      const profile = body.properties.virtualMachineProfile;
      const listed: Json[] = profile.extensionProfile?.extensions ?? [];
      const added = ctx.store.childrenOf(scaleSet.id, VMSS_EXTENSION).filter((c) => !listed.some((e) => String(e.name).toLowerCase() === c.name.toLowerCase()));
      if (added.length) profile.extensionProfile = { ...profile.extensionProfile, extensions: [...listed, ...added.map((c) => ({ name: c.name, properties: c.body.properties }))] };
    },
  };

  const scaleSetVm: ResourceTypeSpec = {
    type: VMSS_VM,
    lro: "compute",
    placement: "child",
    write(ctx, request) {
      const scaleSet = request.parent as StoredResource;
      const profile = scaleSet.body.properties.virtualMachineProfile;
      const instanceId = request.address.names[1];
      const ipConfigurations = (profile.networkProfile?.networkInterfaceConfigurations ?? []).flatMap((config: Json) =>
        (config.properties?.ipConfigurations ?? []).map((ipc: Json) => {
          const subnet = ctx.resolve(ipc.properties.subnet.id) as StoredResource;
          const previous = request.existing?.body.properties.networkProfileConfiguration?.ipConfigurations?.find((p: Json) => p.name === ipc.name);
          return {
            name: ipc.name,
            id: `${request.id}/networkInterfaces/${config.name}/ipConfigurations/${ipc.name}`,
            subnetId: subnet.id,
            privateIPAddress: previous?.privateIPAddress ?? allocateAddress(ctx, subnet),
          };
        }),
      );
      return {
        location: scaleSet.body.location,
        instanceId,
        sku: { name: scaleSet.body.sku.name, tier: scaleSet.body.sku.tier },
        properties: {
          vmId: guidFrom(request.id + "vmId"),
          latestModelApplied: true,
          osProfile: { ...scaleSet.body.properties.virtualMachineProfile.osProfile, computerName: `${profile.osProfile.computerNamePrefix}${Number(instanceId).toString(36).padStart(6, "0")}` },
          networkProfileConfiguration: { ipConfigurations },
          // The instance's NICs by ID, as compute spec example VirtualMachineScaleSetVM_Get shows; their bodies are
          // served by the Network provider at that ID (sandbox/arm/scale-set-nics.ts).
          networkProfile: {
            networkInterfaces: (profile.networkProfile?.networkInterfaceConfigurations ?? []).map((config: Json, index: number) => ({
              id: `${request.id}/networkInterfaces/${config.name}`,
              properties: { primary: config.properties?.primary ?? index === 0 },
            })),
          },
        },
      };
    },
  };

  return [virtualMachine, managedDisk, extension, scaleSetExtension, scaleSet, scaleSetVm];
}
