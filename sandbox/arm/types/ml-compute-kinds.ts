/**
 * What the sandbox adds to a workspace compute's inner `properties`, per computeType, as ML 2024-10-01 serves them
 * (specification/machinelearningservices/.../stable/2024-10-01/examples/Compute/get/ComputeInstance.json,
 * createOrUpdate/ComputeInstance.json, ComputeInstanceMinimal.json; @azure/arm-machinelearning
 * VirtualMachineSchemaProperties). A compute may have no subnet at all (it then runs outside the customer's VNets).
 * An attached VirtualMachine names its VM in `properties.resourceId`, which must exist (the attach is refused
 * otherwise: the exact code is not published, the sandbox answers 400 UserError like the other compute refusals).
 */
import { requireReference, type ArmContext } from "../resource-type";
import { VM } from "./compute";
import { userError } from "./ml-user-error";
import { asObject } from "./wire";

/** ComputeInstance: defaults and read-only fields of the spec's GET example. */
export function computeInstanceProperties(inner: Record<string, unknown>, computeName: string, location: string): Record<string, unknown> {
  const ssh = asObject(inner.sshSettings);
  const sshPublicAccess = ssh.sshPublicAccess === "Enabled" ? "Enabled" : "Disabled";
  return {
    ...inner,
    applicationSharingPolicy: inner.applicationSharingPolicy ?? "Shared",
    enableNodePublicIp: inner.enableNodePublicIp ?? true,
    sshSettings: {
      sshPublicAccess,
      adminUserName: "azureuser",
      sshPort: sshPublicAccess === "Enabled" ? 22 : undefined,
      ...(typeof ssh.adminPublicKey === "string" ? { adminPublicKey: ssh.adminPublicKey } : {}),
    },
    computeInstanceAuthorizationType: inner.computeInstanceAuthorizationType ?? "personal",
    applications: [{ displayName: "Jupyter", endpointUri: `https://${computeName}.${location}.instances.azureml.ms/jupyter` }],
    errors: null,
    state: "Running",
  };
}

/** The VM an attached VirtualMachine compute points at (top-level `resourceId`), which must exist. */
export function attachedVirtualMachine(ctx: ArmContext, resourceId: unknown, computeId: string): string {
  if (typeof resourceId !== "string" || resourceId === "")
    throw userError(`Compute ${computeId} of type VirtualMachine needs properties.resourceId, the ID of the virtual machine to attach.`);
  try {
    return requireReference(ctx, { id: resourceId }, VM, computeId).id;
  } catch {
    throw userError(`The virtual machine '${resourceId}' to attach as compute ${computeId} does not exist.`);
  }
}

/** VirtualMachine: SDK VirtualMachineSchemaProperties, with the SSH port AML uses (seed 003: 22). */
export function virtualMachineProperties(inner: Record<string, unknown>): Record<string, unknown> {
  const { administratorAccount: _secret, ...rest } = inner;
  return { ...rest, sshPort: typeof inner.sshPort === "number" ? inner.sshPort : 22 };
}
