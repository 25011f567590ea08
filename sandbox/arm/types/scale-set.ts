import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import { requireReference, type ResourceTypeSpec } from "../resource-type";
import type { Json, StoredResource } from "../store";
import { VMSS_VM } from "./address-allocation";
import { requireSameRegion, vnetOfSubnet } from "./common";
import { identityOf, osProfileOf, PROFILE_EXTENSION_SECRETS, SUBNET, VMSS, VMSS_EXTENSION, withoutProtectedSettings } from "./compute-profile";

export function scaleSetType(tenantId: string): ResourceTypeSpec {
  // A scale set PUT's profile protectedSettings, from write to afterWrite (which keeps them in `internal`).
  const profileSecrets = new Map<string, Record<string, Json>>();
  return {
    type: VMSS,
    lro: "compute",
    placement: "tracked",
    inProgressState: "Creating",
    write(ctx, request) {
      const props = request.body.properties ?? {};
      const capacity = Number(request.body.sku?.capacity ?? 0);
      if (!request.body.sku?.name) throw new ArmError(400, "InvalidParameter", "Required parameter 'sku.name' is missing (null).");
      if (!Number.isInteger(capacity) || capacity < 0 || capacity > 1000)
        throw new ArmError(
          400,
          "InvalidParameter",
          `The value ${request.body.sku.capacity} of parameter 'sku.capacity' is out of range. Allowed range: 0-1000.`,
        );
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
      profileSecrets.set(
        request.id.toLowerCase(),
        Object.fromEntries((extensions ?? []).map((e) => [e.name, e.properties?.protectedSettings ?? previous[e.name]]).filter(([, v]) => v !== undefined)),
      );
      const storedProfile = extensions
        ? {
            ...profile,
            extensionProfile: {
              ...profile.extensionProfile,
              extensions: extensions.map((e) => ({ ...e, properties: withoutProtectedSettings(e.properties) })),
            },
          }
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
          virtualMachineProfile: {
            ...storedProfile,
            osProfile: { ...osProfileOf(request, profile.osProfile), computerNamePrefix: profile.osProfile?.computerNamePrefix ?? request.address.names[0] },
          },
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
      ctx.store.updateBody(ctx.resolve(scaleSet.id) as StoredResource, () => undefined, {
        nextInstanceId: next,
        ...(secrets ? { [PROFILE_EXTENSION_SECRETS]: secrets } : {}),
      });
    },
    view(ctx, scaleSet, body) {
      // Extensions PUT as child resources are part of the model, as Azure shows them.
      const profile = body.properties.virtualMachineProfile;
      const listed: Json[] = profile.extensionProfile?.extensions ?? [];
      const added = ctx.store.childrenOf(scaleSet.id, VMSS_EXTENSION).filter((c) => !listed.some((e) => String(e.name).toLowerCase() === c.name.toLowerCase()));
      if (added.length)
        profile.extensionProfile = {
          ...profile.extensionProfile,
          extensions: [...listed, ...added.map((c) => ({ name: c.name, properties: c.body.properties }))],
        };
    },
  };
}
