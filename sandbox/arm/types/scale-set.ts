/**
 * Microsoft.Compute/virtualMachineScaleSets (Uniform, Linux). Shapes from azure-rest-api-specs
 * compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-11-01/virtualMachineScaleSet.json and example
 * virtualMachineScaleSetExamples/VirtualMachineScaleSet_Create_WithSshAuthentication.json
 * (test/fixtures/arm/compute-vmss-create-ssh.json); SDK type VirtualMachineScaleSet in @azure/arm-compute.
 */
import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import { type ArmContext, requireReference, type ResourceTypeSpec } from "../resource-type";
import type { StoredResource } from "../store";
import { VMSS_VM } from "./address-allocation";
import { requireSameRegion, vnetOfSubnet, trackedLocation } from "./common";
import { identityOf, osProfileOf, PROFILE_EXTENSION_SECRETS, SUBNET, VMSS, VMSS_EXTENSION, withoutProtectedSettings, WireOsProfile } from "./compute-profile";
import { asObject, asObjects, JsonObject, propertiesOf } from "./wire";

/** virtualMachineProfile as stored: the client's, with the sandbox's osProfile and no extension protectedSettings. */
export interface WireScaleSetProfile extends JsonObject {
  osProfile: WireOsProfile;
}

/** A scale set body as this type writes it. */
export interface WireScaleSet extends JsonObject {
  location: string;
  sku: { name: unknown; tier: unknown; capacity: number };
  properties: { uniqueId: unknown; timeCreated: unknown; provisioningState?: string; virtualMachineProfile: WireScaleSetProfile };
}

/** A stored scale set's body: written by this type (validated on write). */
export function scaleSetBody(scaleSet: StoredResource): WireScaleSet {
  return scaleSet.body as WireScaleSet;
}

/** The subnets a profile's NIC configurations name must exist, in the scale set's region. */
function checkSubnets(ctx: ArmContext, profile: JsonObject, location: string, where: string): void {
  for (const config of asObjects(asObject(profile.networkProfile).networkInterfaceConfigurations)) {
    for (const ipc of asObjects(asObject(config.properties).ipConfigurations)) {
      const subnet = requireReference(ctx, asObject(ipc.properties).subnet, SUBNET, where);
      const vnet = vnetOfSubnet(ctx, subnet.id);
      if (vnet) requireSameRegion("Virtual network", location, vnet.id, trackedLocation(vnet), where);
    }
  }
}

export function scaleSetType(tenantId: string): ResourceTypeSpec {
  // A scale set PUT's profile protectedSettings, from write to afterWrite (which keeps them in `internal`).
  const profileSecrets = new Map<string, Record<string, unknown>>();
  return {
    type: VMSS,
    lro: "compute",
    placement: "tracked",
    inProgressState: "Creating",
    write(ctx, request) {
      const body = asObject(request.body);
      const props = propertiesOf(body);
      const sku = asObject(body.sku);
      const capacity = Number(sku.capacity ?? 0);
      if (!sku.name) throw new ArmError(400, "InvalidParameter", "Required parameter 'sku.name' is missing (null).");
      if (!Number.isInteger(capacity) || capacity < 0 || capacity > 1000)
        throw new ArmError(400, "InvalidParameter", `The value ${String(sku.capacity)} of parameter 'sku.capacity' is out of range. Allowed range: 0-1000.`);
      const profile = asObject(props.virtualMachineProfile);
      checkSubnets(ctx, profile, String(body.location).replace(/\s+/g, "").toLowerCase(), request.id);
      // Extension protectedSettings go to the instances and are never returned, as for a VM's extensions.
      const extensionProfile = asObject(profile.extensionProfile);
      const extensions = Array.isArray(extensionProfile.extensions) ? asObjects(extensionProfile.extensions) : undefined;
      const previous = asObject(request.existing?.internal[PROFILE_EXTENSION_SECRETS]);
      profileSecrets.set(
        request.id.toLowerCase(),
        Object.fromEntries(
          (extensions ?? [])
            .map((e): [string, unknown] => [String(e.name), asObject(e.properties).protectedSettings ?? previous[String(e.name)]])
            .filter(([, v]) => v !== undefined),
        ),
      );
      const storedProfile = extensions
        ? {
            ...profile,
            extensionProfile: { ...extensionProfile, extensions: extensions.map((e) => ({ ...e, properties: withoutProtectedSettings(e.properties) })) },
          }
        : profile;
      const existing = request.existing && scaleSetBody(request.existing).properties;
      const requestedOs = asObject(profile.osProfile);
      const { computerName: _perInstance, ...osProfile } = osProfileOf(request, profile.osProfile);
      const out: JsonObject = {
        sku: { name: sku.name, tier: sku.tier ?? "Standard", capacity },
        properties: {
          orchestrationMode: props.orchestrationMode ?? "Uniform",
          upgradePolicy: props.upgradePolicy ?? { mode: "Manual" },
          overprovision: props.overprovision ?? true,
          singlePlacementGroup: props.singlePlacementGroup ?? true,
          platformFaultDomainCount: props.platformFaultDomainCount ?? 5,
          uniqueId: existing?.uniqueId ?? guidFrom(request.id),
          virtualMachineProfile: {
            ...storedProfile,
            osProfile: { ...osProfile, computerNamePrefix: requestedOs.computerNamePrefix ?? request.address.names[0] },
          },
          timeCreated: existing?.timeCreated ?? new Date().toISOString(),
        },
      };
      const identity = identityOf(request, tenantId);
      if (identity) out.identity = identity;
      return out;
    },
    afterWrite(ctx, scaleSet) {
      const capacity = scaleSetBody(scaleSet).sku.capacity;
      const instances = ctx.store.childrenOf(scaleSet.id, VMSS_VM).sort((a, b) => Number(a.name) - Number(b.name));
      for (const extra of instances.slice(capacity)) ctx.deleteInternal(extra.id);
      let next = Number(scaleSet.internal.nextInstanceId ?? 0);
      for (let count = instances.length; count < capacity; count++, next++) {
        ctx.putInternal(`${scaleSet.id}/virtualMachines/${next}`, VMSS_VM, { properties: {} });
      }
      const secrets = profileSecrets.get(scaleSet.id.toLowerCase());
      profileSecrets.delete(scaleSet.id.toLowerCase());
      ctx.store.updateBody(ctx.resolve(scaleSet.id) as StoredResource, () => undefined, {
        nextInstanceId: next,
        ...(secrets ? { [PROFILE_EXTENSION_SECRETS]: secrets } : {}),
      });
    },
    view(ctx, scaleSet, body) {
      // Extensions PUT as child resources are part of the model, as Azure shows them.
      const profile = asObject(propertiesOf(body).virtualMachineProfile);
      const listed = asObjects(asObject(profile.extensionProfile).extensions);
      const added = ctx.store.childrenOf(scaleSet.id, VMSS_EXTENSION).filter((c) => !listed.some((e) => String(e.name).toLowerCase() === c.name.toLowerCase()));
      if (added.length)
        profile.extensionProfile = {
          ...asObject(profile.extensionProfile),
          extensions: [...listed, ...added.map((c) => ({ name: c.name, properties: propertiesOf(c.body) }))],
        };
    },
  };
}
