/** Endpoints of the Azure clouds amlvnet supports, and the settings that override them. */
export type CloudName = "AzureCloud" | "AzureUSGovernment" | "AzureChinaCloud";

export const CLOUD_NAMES: readonly CloudName[] = ["AzureCloud", "AzureUSGovernment", "AzureChinaCloud"];

export interface CloudEndpoints {
  cloud: CloudName;
  /** ARM endpoint without trailing slash. */
  armEndpoint: string;
  /** Scope for ARM tokens. */
  armScope: string;
  authorityHost: string;
  /** Azure ML studio, for run links (the ARM origin itself for a custom ARM endpoint: the sandbox serves /runs there). */
  amlStudio: string;
  /** The AML data plane's DNS suffix: discovery and APIs live at https://<region>.<amlApiSuffix>. */
  amlApiSuffix: string;
  /** The ARM endpoint is not the cloud's own (Azure Stack Hub, the sandbox): its token audience comes from its metadata. */
  customArm: boolean;
}

/**
 * Studio hosts ml.azure.com / ml.azure.us / studio.ml.azure.cn (as issue 9 names them; no Microsoft page confirming the
 * sovereign two was found in this round's research: unverified). AML API suffixes match the clouds' private DNS zones
 * privatelink.api.azureml.ms / privatelink.api.ml.azure.us / privatelink.api.ml.azure.cn (network/private-link-zones.ts).
 */
const DEFAULTS: Record<CloudName, CloudEndpoints> = {
  AzureCloud: {
    cloud: "AzureCloud",
    armEndpoint: "https://management.azure.com",
    armScope: "https://management.azure.com/.default",
    authorityHost: "https://login.microsoftonline.com",
    amlStudio: "https://ml.azure.com",
    amlApiSuffix: "api.azureml.ms",
    customArm: false,
  },
  AzureUSGovernment: {
    cloud: "AzureUSGovernment",
    armEndpoint: "https://management.usgovcloudapi.net",
    armScope: "https://management.usgovcloudapi.net/.default",
    authorityHost: "https://login.microsoftonline.us",
    amlStudio: "https://ml.azure.us",
    amlApiSuffix: "api.ml.azure.us",
    customArm: false,
  },
  AzureChinaCloud: {
    cloud: "AzureChinaCloud",
    armEndpoint: "https://management.chinacloudapi.cn",
    armScope: "https://management.chinacloudapi.cn/.default",
    authorityHost: "https://login.chinacloudapi.cn",
    amlStudio: "https://studio.ml.azure.cn",
    amlApiSuffix: "api.ml.azure.cn",
    customArm: false,
  },
};

/**
 * Authorities Microsoft runs, where Entra instance discovery works: the clouds' own, plus the older public-cloud names
 * login.windows.net (what ARM's metadata endpoint still names as loginEndpoint) and login.microsoft.com.
 */
const MICROSOFT_AUTHORITY_HOSTS = new Set([
  ...Object.values(DEFAULTS).map((d) => new URL(d.authorityHost).host),
  "login.windows.net",
  "login.microsoft.com",
  "login.partner.microsoftonline.cn",
]);

/**
 * The endpoints to use: the cloud's defaults, with the ARM endpoint from AMLVNET_ARM_ENDPOINT and the authority from
 * AZURE_AUTHORITY_HOST when set (sovereign or private clouds, Azure Stack, the local sandbox).
 */
export function resolveCloud(cloud: CloudName, env: Record<string, string | undefined>): CloudEndpoints {
  return cloudEndpoints(cloud, { armEndpoint: env.AMLVNET_ARM_ENDPOINT, authorityHost: env.AZURE_AUTHORITY_HOST });
}

/** The cloud's endpoints with the given overrides (a service connection's ARM URL and authority, say). */
export function cloudEndpoints(cloud: CloudName, overrides: { armEndpoint?: string; authorityHost?: string }): CloudEndpoints {
  const base = DEFAULTS[cloud];
  const armEndpoint = (overrides.armEndpoint || base.armEndpoint).replace(/\/+$/, "");
  const custom = armEndpoint !== base.armEndpoint;
  return {
    cloud,
    armEndpoint,
    armScope: custom ? `${armEndpoint}/.default` : base.armScope,
    authorityHost: (overrides.authorityHost || base.authorityHost).replace(/\/+$/, ""),
    amlStudio: custom ? new URL(armEndpoint).origin : base.amlStudio,
    amlApiSuffix: base.amlApiSuffix,
    customArm: custom,
  };
}

/** Maps a service connection's `environment` to a cloud; unknown names (AzureStack) keep the public defaults. */
export function cloudFromEnvironment(environment: string | undefined): CloudName {
  const match = CLOUD_NAMES.find((c) => c.toLowerCase() === (environment ?? "").toLowerCase());
  return match ?? "AzureCloud";
}

/**
 * Entra instance discovery asks login.microsoftonline.com about the authority; for a host Microsoft does not run
 * (Azure Stack ADFS, the sandbox) that call cannot succeed, so it is turned off for them.
 */
export function needsInstanceDiscoveryDisabled(authorityHost: string): boolean {
  return !MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).host);
}
