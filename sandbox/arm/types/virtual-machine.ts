/**
 * Microsoft.Compute/virtualMachines (Linux). Shapes from azure-rest-api-specs
 * compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-11-01/virtualMachine.json and example
 * virtualMachineExamples/VirtualMachine_Create_WithSshAuthentication.json (test/fixtures/arm/compute-vm-create-linux-ssh-existing-nic.json);
 * SDK type VirtualMachine in @azure/arm-compute. The OS disk is a Microsoft.Compute/disks resource (managed-disk.ts).
 */
import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import { requireReference, type ResourceTypeSpec } from "../resource-type";
import type { StoredResource } from "../store";
import { NIC } from "./address-allocation";
import { requireSameRegion, sameId, trackedLocation } from "./common";
import { diagnosticsProfileOf, DISK, identityOf, osProfileOf, VM, WireDiagnosticsProfile, WireIdentity, WireOsProfile } from "./compute-profile";
import { asObject, asObjects, JsonObject, propertiesOf } from "./wire";

interface WireOsDisk {
  osType: "Linux";
  name: unknown;
  createOption: unknown;
  caching: unknown;
  managedDisk: { storageAccountType: unknown; id: string };
  deleteOption: unknown;
  diskSizeGB: unknown;
}

interface WireNicReference {
  id: string;
  properties: { primary: unknown; deleteOption: unknown };
}

/** A VM body as this type writes it. */
export interface WireVirtualMachine extends JsonObject {
  location: string;
  identity?: WireIdentity;
  properties: {
    vmId: unknown;
    hardwareProfile: { vmSize: unknown };
    storageProfile: { imageReference: unknown; osDisk: WireOsDisk; dataDisks: [] };
    osProfile: WireOsProfile;
    networkProfile: { networkInterfaces: WireNicReference[] };
    diagnosticsProfile?: WireDiagnosticsProfile;
    timeCreated: unknown;
  };
}

/** A stored VM's body: written by this type (validated on write). */
export function vmBody(vm: StoredResource): WireVirtualMachine {
  return vm.body as WireVirtualMachine;
}

export function virtualMachineType(tenantId: string): ResourceTypeSpec {
  return {
    type: VM,
    lro: "compute",
    placement: "tracked",
    inProgressState: "Creating",
    write(ctx, request) {
      const props = propertiesOf(request.body);
      const previous = request.existing && vmBody(request.existing).properties;
      const location = String(asObject(request.body).location).replace(/\s+/g, "").toLowerCase();
      const vmSize = asObject(props.hardwareProfile).vmSize;
      if (!vmSize) throw new ArmError(400, "InvalidParameter", `Required parameter 'hardwareProfile.vmSize' is missing (null). Target: 'vmSize'.`);
      const nics = asObjects(asObject(props.networkProfile).networkInterfaces);
      if (nics.length === 0) throw new ArmError(400, "InvalidParameter", "Required parameter 'networkProfile' is missing (null). Target: 'networkProfile'.");
      const nicIds = nics.map((ref) => {
        const nic = requireReference(ctx, ref, NIC, request.id);
        requireSameRegion("Network interface", location, nic.id, trackedLocation(nic), request.id);
        const other = ctx.store.referencing(nic.id).find((r) => r.type === VM && !sameId(r.id, request.id));
        if (other)
          throw new ArmError(
            400,
            "NicReservedForAnotherVm",
            `Nic(s) in request is reserved for another Virtual Machine for 180 seconds. Please provide another nic(s) or retry after 180 seconds. Reserved VM: ${other.id}`,
          );
        return String(ref.id);
      });
      const storageProfile = asObject(props.storageProfile);
      const osDisk = asObject(storageProfile.osDisk);
      const diskName = previous?.storageProfile.osDisk.name ?? osDisk.name ?? `${request.address.names[0]}_OsDisk_1_${guidFrom(request.id).replace(/-/g, "")}`;
      const rgId = request.id.split("/providers/")[0];
      const diagnosticsProfile = diagnosticsProfileOf(props.diagnosticsProfile ?? previous?.diagnosticsProfile);
      const out: JsonObject = {
        properties: {
          vmId: previous?.vmId ?? guidFrom(request.id + "vmId"),
          hardwareProfile: { vmSize },
          storageProfile: {
            imageReference: storageProfile.imageReference,
            osDisk: {
              osType: "Linux",
              name: diskName,
              createOption: osDisk.createOption ?? "FromImage",
              caching: osDisk.caching ?? "ReadWrite",
              managedDisk: {
                storageAccountType: asObject(osDisk.managedDisk).storageAccountType ?? "Premium_LRS",
                id: `${rgId}/providers/Microsoft.Compute/disks/${String(diskName)}`,
              },
              deleteOption: osDisk.deleteOption ?? "Detach",
              diskSizeGB: osDisk.diskSizeGB ?? 30,
            },
            dataDisks: [],
          },
          osProfile: osProfileOf(request, props.osProfile ?? previous?.osProfile),
          networkProfile: {
            networkInterfaces: nics.map((n, index) => {
              const nicProps = asObject(n.properties);
              return { id: nicIds[index], properties: { primary: nicProps.primary ?? nics.length === 1, deleteOption: nicProps.deleteOption ?? "Detach" } };
            }),
          },
          ...(diagnosticsProfile ? { diagnosticsProfile } : {}),
          timeCreated: previous?.timeCreated ?? new Date().toISOString(),
        },
      };
      const identity = identityOf(request, tenantId);
      if (identity) out.identity = identity;
      return out;
    },
    afterWrite(ctx, vm) {
      const disk = vmBody(vm).properties.storageProfile.osDisk;
      if (ctx.resolve(disk.managedDisk.id)) return;
      ctx.putInternal(disk.managedDisk.id, DISK, {
        location: vmBody(vm).location,
        sku: { name: disk.managedDisk.storageAccountType },
        properties: { osType: "Linux", diskSizeGB: disk.diskSizeGB, creationData: { createOption: "FromImage" } },
      });
    },
    view(ctx, vm, body) {
      const disk = ctx.resolve(vmBody(vm).properties.storageProfile.osDisk.managedDisk.id);
      if (disk) asObject(asObject(asObject(propertiesOf(body).storageProfile).osDisk).managedDisk).id = disk.id;
    },
    afterDelete(ctx, vm) {
      const { storageProfile, networkProfile } = vmBody(vm).properties;
      if (storageProfile.osDisk.deleteOption === "Delete") ctx.deleteInternal(storageProfile.osDisk.managedDisk.id);
      for (const nic of networkProfile.networkInterfaces) if (nic.properties.deleteOption === "Delete") ctx.deleteInternal(nic.id);
    },
  };
}
