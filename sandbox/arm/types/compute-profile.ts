import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import type { Json, StoredResource } from "../store";

/** The Microsoft.Compute resource types' names and the profile pieces virtual machines and scale sets share. */
export const VM = "Microsoft.Compute/virtualMachines";
export const VM_EXTENSION = "Microsoft.Compute/virtualMachines/extensions";
export const VMSS = "Microsoft.Compute/virtualMachineScaleSets";
export const VMSS_EXTENSION = "Microsoft.Compute/virtualMachineScaleSets/extensions";
/** `internal` key of a scale set: its profile extensions' protectedSettings by extension name (for the instances). */
export const PROFILE_EXTENSION_SECRETS = "profileExtensionSecrets";
export const DISK = "Microsoft.Compute/disks";
export const SUBNET = "Microsoft.Network/virtualNetworks/subnets";

export function identityOf(request: { id: string; body: Json; existing?: StoredResource }, tenantId: string): Json | undefined {
  const type: string | undefined = request.body.identity?.type;
  if (!type || type === "None") return undefined;
  return { type, principalId: request.existing?.body.identity?.principalId ?? guidFrom(request.id + "principal"), tenantId };
}

export function withoutProtectedSettings(properties: Json): Json {
  if (!properties) return properties;
  const { protectedSettings: _secret, ...rest } = properties;
  return rest;
}

/** Linux-only profile checks the sandbox enforces: SSH keys, and never a password echoed back. */
export function osProfileOf(request: { id: string; body: Json }, profile: Json): Json {
  if (!profile?.adminUsername)
    throw new ArmError(400, "InvalidParameter", `Required parameter 'adminUsername' is missing (null). Target: 'osProfile.adminUsername' of ${request.id}.`);
  const keys: Json[] = profile.linuxConfiguration?.ssh?.publicKeys ?? [];
  if (!profile.adminPassword && keys.length === 0) {
    throw new ArmError(
      400,
      "InvalidParameter",
      "Parameter 'osProfile.linuxConfiguration.ssh.publicKeys' is required when password authentication is disabled. Target: 'linuxConfiguration'.",
    );
  }
  for (const key of keys) {
    if (!/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+/.test(String(key.keyData ?? ""))) {
      throw new ArmError(
        400,
        "InvalidParameter",
        "The value of parameter linuxConfiguration.ssh.publicKeys.keyData is invalid. Target: 'linuxConfiguration.ssh.publicKeys.keyData'.",
      );
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
export function diagnosticsProfileOf(profile: Json): Json | undefined {
  const boot = profile?.bootDiagnostics;
  if (!boot) return undefined;
  return { bootDiagnostics: { enabled: boot.enabled === true, ...(boot.storageUri ? { storageUri: String(boot.storageUri) } : {}) } };
}
