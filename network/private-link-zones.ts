/**
 * Which private DNS zones each private-link sub-resource needs, per cloud, and which record in a zone an FQDN
 * becomes. Shared by the readiness engine, the provisioner and the sandbox.
 */
export type Cloud = "AzureCloud" | "AzureUSGovernment" | "AzureChinaCloud";

const ZONES: Record<string, Record<Cloud, string[]>> = {
  amlworkspace: {
    AzureCloud: ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"],
    AzureUSGovernment: ["privatelink.api.ml.azure.us", "privatelink.notebooks.usgovcloudapi.net"],
    AzureChinaCloud: ["privatelink.api.ml.azure.cn", "privatelink.notebooks.chinacloudapi.cn"],
  },
  vault: { AzureCloud: ["privatelink.vaultcore.azure.net"], AzureUSGovernment: ["privatelink.vaultcore.usgovcloudapi.net"], AzureChinaCloud: ["privatelink.vaultcore.azure.cn"] },
  registry: { AzureCloud: ["privatelink.azurecr.io"], AzureUSGovernment: ["privatelink.azurecr.us"], AzureChinaCloud: ["privatelink.azurecr.cn"] },
};

const STORAGE_SUFFIX: Record<Cloud, string> = { AzureCloud: "core.windows.net", AzureUSGovernment: "core.usgovcloudapi.net", AzureChinaCloud: "core.chinacloudapi.cn" };
const STORAGE_GROUPS = ["blob", "file", "queue", "table", "dfs", "web"];

export function zonesForGroup(groupId: string, cloud: Cloud): string[] {
  const group = groupId.toLowerCase();
  if (STORAGE_GROUPS.includes(group)) return [`privatelink.${group}.${STORAGE_SUFFIX[cloud]}`];
  return ZONES[group]?.[cloud] ?? [];
}

/** Zones whose public name differs from the zone name without "privatelink." (Key Vault's vault.azure.net). */
const PUBLIC_SUFFIXES: Record<string, string[]> = {
  "privatelink.vaultcore.azure.net": ["vault.azure.net", "vaultcore.azure.net"],
  "privatelink.vaultcore.usgovcloudapi.net": ["vault.usgovcloudapi.net", "vaultcore.usgovcloudapi.net"],
  "privatelink.vaultcore.azure.cn": ["vault.azure.cn", "vaultcore.azure.cn"],
  "privatelink.api.ml.azure.us": ["api.ml.azure.us", "api.azureml.us"],
};

/** Every private-link zone this module knows, in every cloud. */
export function allPrivateLinkZones(): string[] {
  const clouds: Cloud[] = ["AzureCloud", "AzureUSGovernment", "AzureChinaCloud"];
  const groups = [...Object.keys(ZONES), ...STORAGE_GROUPS.filter((g) => g !== "web")];
  return [...new Set(groups.flatMap((g) => clouds.flatMap((c) => zonesForGroup(g, c))))];
}

/** The public name a zone shadows ("api.azureml.ms" for privatelink.api.azureml.ms, "vault.azure.net" for Key Vault). */
export function publicZoneOf(zoneName: string): string {
  const zone = zoneName.toLowerCase();
  return PUBLIC_SUFFIXES[zone]?.[0] ?? zone.replace(/^privatelink\./, "");
}

/** `abc.workspace.westeurope.api.azureml.ms` in zone `privatelink.api.azureml.ms` is record `abc.workspace.westeurope`. */
export function recordNameIn(zoneName: string, fqdn: string): string | undefined {
  const zone = zoneName.toLowerCase();
  const lower = fqdn.toLowerCase().replace(/\.$/, "");
  const suffixes = PUBLIC_SUFFIXES[zone] ?? [zone.replace(/^privatelink\./, "")];
  const suffix = suffixes.find((s) => lower.endsWith("." + s));
  return suffix ? lower.slice(0, -(suffix.length + 1)) : undefined;
}

/** The zone (among `zones`) that should hold `fqdn`, if any. */
export function zoneForFqdn(fqdn: string, zones: string[]): string | undefined {
  return zones.find((zone) => recordNameIn(zone, fqdn) !== undefined);
}
