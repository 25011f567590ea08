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
  vault: {
    AzureCloud: ["privatelink.vaultcore.azure.net"],
    AzureUSGovernment: ["privatelink.vaultcore.usgovcloudapi.net"],
    AzureChinaCloud: ["privatelink.vaultcore.azure.cn"],
  },
  registry: { AzureCloud: ["privatelink.azurecr.io"], AzureUSGovernment: ["privatelink.azurecr.us"], AzureChinaCloud: ["privatelink.azurecr.cn"] },
};

const STORAGE_SUFFIX: Record<Cloud, string> = {
  AzureCloud: "core.windows.net",
  AzureUSGovernment: "core.usgovcloudapi.net",
  AzureChinaCloud: "core.chinacloudapi.cn",
};
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

/**
 * Managed online endpoints share the workspace's private endpoint: its NIC lists `*.<region>.inference.ml.azure.com`
 * (one IP of its own), and the zone group writes `*.<workspace guid>.inference.<region>` into
 * privatelink.api.azureml.ms, which `<endpoint>.<region>.inference.ml.azure.com` reaches through the CNAME
 * `<endpoint>.<guid>.inference.<region>.privatelink.api.azureml.ms` (MicrosoftDocs azure-ai-docs
 * articles/machine-learning/how-to-custom-dns.md: NIC output, FQDN tables, the note on the wildcard A record).
 */
const INFERENCE: Record<Cloud, { publicSuffix: string; zone: string }> = {
  AzureCloud: { publicSuffix: "inference.ml.azure.com", zone: "privatelink.api.azureml.ms" },
  AzureUSGovernment: { publicSuffix: "inference.ml.azure.us", zone: "privatelink.api.ml.azure.us" },
  AzureChinaCloud: { publicSuffix: "inference.ml.azure.cn", zone: "privatelink.api.ml.azure.cn" },
};

/** The per-workspace GUID in a workspace FQDN (`<guid>.workspace.<region>.api.azureml.ms`), if one is among `fqdns`. */
export function workspaceGuidIn(fqdns: string[]): string | undefined {
  for (const fqdn of fqdns) {
    const match = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.workspace\./i.exec(fqdn.trim());
    if (match) return match[1].toLowerCase();
  }
  return undefined;
}

/** A wildcard FQDN as Azure lists it: `*.<region>.inference.ml.azure.com`. */
export function isWildcardFqdn(fqdn: string): boolean {
  return fqdn.trim().startsWith("*.");
}

/**
 * Where the record of an inference wildcard FQDN lives: `*.westeurope.inference.ml.azure.com` with workspace GUID g
 * is record `*.g.inference.westeurope` in privatelink.api.azureml.ms. Undefined for any other FQDN.
 */
export function inferenceWildcardRecord(fqdn: string, workspaceGuid: string): { zone: string; recordName: string } | undefined {
  const name = fqdn.trim().toLowerCase().replace(/\.$/, "");
  for (const { publicSuffix, zone } of Object.values(INFERENCE)) {
    const match = new RegExp(`^\\*\\.([a-z0-9-]+)\\.${publicSuffix.replace(/\./g, "\\.")}$`).exec(name);
    if (match) return { zone, recordName: `*.${workspaceGuid.toLowerCase()}.inference.${match[1]}` };
  }
  return undefined;
}

/** The FQDN Azure lists for the inference wildcard record `*.<guid>.inference.<region>` of `zone`, if it is one. */
export function inferenceWildcardFqdn(zone: string, recordName: string): string | undefined {
  const entry = Object.values(INFERENCE).find((i) => i.zone === zone.toLowerCase());
  const match = /^\*\.[0-9a-f-]{36}\.inference\.([a-z0-9-]+)$/i.exec(recordName);
  return entry && match ? `*.${match[1].toLowerCase()}.${entry.publicSuffix}` : undefined;
}
