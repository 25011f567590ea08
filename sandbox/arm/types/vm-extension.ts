import { ArmError } from "../arm-error";
import { type ResourceTypeSpec } from "../resource-type";
import type { Json } from "../store";
import { VM_EXTENSION, VMSS_EXTENSION } from "./compute-profile";

export const vmExtensionType: ResourceTypeSpec = {
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
    const others: Json[] = [
      ...ctx.store.childrenOf(request.parent?.id ?? "").map((e) => e.body),
      ...(request.parent?.body.properties?.virtualMachineProfile?.extensionProfile?.extensions ?? []),
    ];
    if (
      others.some(
        (e) =>
          String(e.name).toLowerCase() !== name &&
          `${e.properties?.publisher}.${e.properties?.type}`.toLowerCase() === `${props.publisher}.${props.type}`.toLowerCase(),
      )
    ) {
      throw new ArmError(
        400,
        "BadRequest",
        `Multiple VMExtensions per handler not supported for OS type 'Linux'. VMExtension '${request.address.names.at(-1)}' with handler '${props.publisher}.${props.type}' already added or specified in input.`,
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
