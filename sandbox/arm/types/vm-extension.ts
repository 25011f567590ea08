/**
 * Microsoft.Compute/virtualMachines/extensions and virtualMachineScaleSets/extensions. Shapes from
 * azure-rest-api-specs compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-11-01 (virtualMachine.json
 * VirtualMachineExtension, virtualMachineScaleSet.json VirtualMachineScaleSetExtension) and example
 * VirtualMachineExtension_CreateOrUpdate_MinimumSet_Gen.json (test/fixtures/arm/compute-vm-extension-create.json);
 * SDK type VirtualMachineExtension in @azure/arm-compute. protectedSettings are write-only (kept in `internal`).
 */
import { ArmError } from "../arm-error";
import { type ResourceTypeSpec } from "../resource-type";
import { VM_EXTENSION, VMSS_EXTENSION } from "./compute-profile";
import { asObject, asObjects, propertiesOf } from "./wire";

export const vmExtensionType: ResourceTypeSpec = {
  type: VM_EXTENSION,
  lro: "compute",
  placement: "tracked",
  inProgressState: "Creating",
  write(ctx, request) {
    const props = propertiesOf(request.body);
    for (const required of ["publisher", "type", "typeHandlerVersion"]) {
      if (!props[required]) throw new ArmError(400, "InvalidParameter", `Required parameter '${required}' is missing (null). Target: '${required}'.`);
    }
    const handler = `${String(props.publisher)}.${String(props.type)}`;
    // One extension per handler: siblings, and for a scale set its model's extensionProfile too.
    const name = String(request.address.names.at(-1)).toLowerCase();
    const parentProfile = asObject(propertiesOf(request.parent?.body).virtualMachineProfile);
    const others = [
      ...ctx.store.childrenOf(request.parent?.id ?? "").map((e) => asObject(e.body)),
      ...asObjects(asObject(parentProfile.extensionProfile).extensions),
    ];
    if (
      others.some((e) => {
        const other = propertiesOf(e);
        return String(e.name).toLowerCase() !== name && `${String(other.publisher)}.${String(other.type)}`.toLowerCase() === handler.toLowerCase();
      })
    ) {
      throw new ArmError(
        400,
        "BadRequest",
        `Multiple VMExtensions per handler not supported for OS type 'Linux'. VMExtension '${request.address.names.at(-1)}' with handler '${handler}' already added or specified in input.`,
      );
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
export const scaleSetExtensionType: ResourceTypeSpec = { ...vmExtensionType, type: VMSS_EXTENSION, placement: "child" };
