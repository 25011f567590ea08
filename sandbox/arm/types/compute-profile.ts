/**
 * The Microsoft.Compute resource types' names and the profile pieces virtual machines and scale sets share. Shapes
 * from azure-rest-api-specs compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-11-01
 * (computeRPCommon.json: OSProfile, LinuxConfiguration, SshConfiguration/SshPublicKey, DiagnosticsProfile/
 * BootDiagnostics, NetworkProfile; virtualMachine.json and virtualMachineScaleSet.json: the resources) and examples VirtualMachine_Create_WithSshAuthentication /
 * VirtualMachineScaleSet_Create_WithSshAuthentication (test/fixtures/arm/compute-*); SDK types in @azure/arm-compute.
 */
import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import type { StoredResource } from "../store";
import { asObject, asObjects, JsonObject } from "./wire";

export const VM = "Microsoft.Compute/virtualMachines";
export const VM_EXTENSION = "Microsoft.Compute/virtualMachines/extensions";
export const VMSS = "Microsoft.Compute/virtualMachineScaleSets";
export const VMSS_EXTENSION = "Microsoft.Compute/virtualMachineScaleSets/extensions";
/** `internal` key of a scale set: its profile extensions' protectedSettings by extension name (for the instances). */
export const PROFILE_EXTENSION_SECRETS = "profileExtensionSecrets";
export const DISK = "Microsoft.Compute/disks";
export const SUBNET = "Microsoft.Network/virtualNetworks/subnets";

/** osProfile as the sandbox stores it (osProfileOf): keys checked, never a password. */
export interface WireOsProfile {
  computerName?: unknown;
  /** Scale sets only: instances are named `{prefix}{instance id in base 36, 6 digits}`. */
  computerNamePrefix?: unknown;
  adminUsername: unknown;
  linuxConfiguration: {
    disablePasswordAuthentication: unknown;
    ssh: { publicKeys: Array<{ path: unknown; keyData: string }> };
    provisionVMAgent: true;
  };
  secrets: [];
  allowExtensionOperations: true;
}

export interface WireDiagnosticsProfile {
  bootDiagnostics: { enabled: boolean; storageUri?: string };
}

export interface WireIdentity {
  type: unknown;
  principalId: unknown;
  tenantId: string;
}

/** The fields of a stored compute body that other code reads: the sandbox wrote them, so one cast per reader. */
export interface StoredComputeBody {
  location?: string;
  identity?: WireIdentity;
  properties?: { provisioningState?: string; vmId?: string; timeCreated?: string; osProfile?: WireOsProfile };
}

export function identityOf(request: { id: string; body: JsonObject; existing?: StoredResource }, tenantId: string): WireIdentity | undefined {
  const type = asObject(request.body.identity).type;
  if (!type || type === "None") return undefined;
  const previous = request.existing && (request.existing.body as StoredComputeBody).identity;
  return { type, principalId: previous?.principalId ?? guidFrom(request.id + "principal"), tenantId };
}

export function withoutProtectedSettings(properties: unknown): unknown {
  if (!properties) return properties;
  const { protectedSettings: _secret, ...rest } = asObject(properties);
  return rest;
}

/** Linux-only profile checks the sandbox enforces: SSH keys, and never a password echoed back. */
export function osProfileOf(request: { id: string }, requested: unknown): WireOsProfile {
  const profile = asObject(requested);
  if (!profile.adminUsername)
    throw new ArmError(400, "InvalidParameter", `Required parameter 'adminUsername' is missing (null). Target: 'osProfile.adminUsername' of ${request.id}.`);
  const linux = asObject(profile.linuxConfiguration);
  const keys = asObjects(asObject(linux.ssh).publicKeys);
  if (!profile.adminPassword && keys.length === 0) {
    throw new ArmError(
      400,
      "InvalidParameter",
      "Parameter 'osProfile.linuxConfiguration.ssh.publicKeys' is required when password authentication is disabled. Target: 'linuxConfiguration'.",
    );
  }
  const publicKeys = keys.map((key) => {
    const keyData = key.keyData;
    if (typeof keyData !== "string" || !/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+/.test(keyData)) {
      throw new ArmError(
        400,
        "InvalidParameter",
        "The value of parameter linuxConfiguration.ssh.publicKeys.keyData is invalid. Target: 'linuxConfiguration.ssh.publicKeys.keyData'.",
      );
    }
    return { path: key.path ?? `/home/${String(profile.adminUsername)}/.ssh/authorized_keys`, keyData };
  });
  return {
    computerName: profile.computerName ?? request.id.split("/").pop(),
    adminUsername: profile.adminUsername,
    linuxConfiguration: {
      disablePasswordAuthentication: linux.disablePasswordAuthentication ?? !profile.adminPassword,
      ssh: { publicKeys },
      provisionVMAgent: true,
    },
    secrets: [],
    allowExtensionOperations: true,
  };
}

/** Boot diagnostics as stored: enabled, and a storage account's blob endpoint unless it uses managed storage. */
export function diagnosticsProfileOf(profile: unknown): WireDiagnosticsProfile | undefined {
  const boot = asObject(profile).bootDiagnostics;
  if (!boot) return undefined;
  const { enabled, storageUri } = asObject(boot);
  return { bootDiagnostics: { enabled: enabled === true, ...(storageUri ? { storageUri: String(storageUri) } : {}) } };
}
