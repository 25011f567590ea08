import { ArmError } from "./arm-error";

/**
 * Stable api-versions each namespace accepts in the sandbox (real versions of those providers, including the ones
 * the pinned SDKs send). A version outside the list is refused the way ARM refuses it.
 */
const SUPPORTED: Record<string, string[]> = {
  "microsoft.resources": ["2019-10-01", "2020-06-01", "2021-04-01", "2022-09-01", "2023-07-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-04-01"],
  "microsoft.network": [
    "2020-06-01",
    "2020-11-01",
    "2021-02-01",
    "2021-05-01",
    "2021-08-01",
    "2022-01-01",
    "2022-05-01",
    "2022-07-01",
    "2022-09-01",
    "2022-11-01",
    "2023-02-01",
    "2023-04-01",
    "2023-05-01",
    "2023-06-01",
    "2023-09-01",
    "2023-11-01",
    "2024-01-01",
    "2024-03-01",
    "2024-05-01",
    "2024-07-01",
    "2024-10-01",
    "2025-01-01",
    "2025-03-01",
    "2025-05-01",
  ],
  "microsoft.network/privatednszones": ["2018-09-01", "2020-01-01", "2020-06-01", "2024-06-01"],
  // DNS Private Resolver has its own api-versions (azure-rest-api-specs specification/dnsresolver; @azure/arm-dnsresolver 1.1.0 sends 2022-07-01).
  "microsoft.network/dnsresolvers": ["2020-04-01-preview", "2022-07-01", "2023-07-01-preview"],
  "microsoft.network/dnsforwardingrulesets": ["2020-04-01-preview", "2022-07-01", "2023-07-01-preview"],
  "microsoft.compute": [
    "2021-07-01",
    "2022-03-01",
    "2022-08-01",
    "2022-11-01",
    "2023-03-01",
    "2023-07-01",
    "2023-09-01",
    "2024-03-01",
    "2024-07-01",
    "2024-11-01",
    "2025-04-01",
    "2026-03-01",
  ],
  "microsoft.compute/disks": ["2022-07-02", "2023-01-02", "2023-04-02", "2023-10-02", "2024-03-02", "2025-01-02"],
  "microsoft.machinelearningservices": ["2021-07-01", "2022-05-01", "2022-10-01", "2023-04-01", "2023-10-01", "2024-04-01", "2024-10-01", "2025-06-01"],
  "microsoft.storage": ["2021-09-01", "2022-09-01", "2023-01-01", "2023-05-01", "2024-01-01", "2025-01-01"],
  "microsoft.keyvault": ["2021-10-01", "2022-07-01", "2023-02-01", "2023-07-01", "2024-11-01"],
  "microsoft.containerregistry": ["2021-09-01", "2022-12-01", "2023-07-01", "2023-11-01-preview", "2025-04-01"],
  // Microsoft.ContainerService: 2024-05-01 (the spec examples we model) to 2025-10-01 (@azure/arm-containerservice 24.1.0).
  "microsoft.containerservice": [
    "2023-10-01",
    "2024-01-01",
    "2024-02-01",
    "2024-05-01",
    "2024-07-01",
    "2024-08-01",
    "2024-09-01",
    "2024-10-01",
    "2025-01-01",
    "2025-02-01",
    "2025-03-01",
    "2025-04-01",
    "2025-05-01",
    "2025-07-01",
    "2025-08-01",
    "2025-10-01",
  ],
  // Microsoft.Authorization: 2022-04-01 is what @azure/arm-authorization 9.0.0 sends for role assignments and definitions.
  "microsoft.authorization": ["2015-07-01", "2018-01-01-preview", "2020-04-01-preview", "2020-10-01", "2022-04-01"],
  "microsoft.insights": ["2015-05-01", "2018-05-01-preview", "2020-02-02"],
};

const API_VERSION_FORMAT = /^\d{4}-\d{2}-\d{2}(-preview|-beta|-alpha|-privatepreview)?$/;

export function supportedApiVersions(namespace: string, type?: string): string[] {
  const specific = type ? SUPPORTED[`${namespace}/${type}`.toLowerCase()] : undefined;
  return specific ?? SUPPORTED[namespace.toLowerCase()] ?? [];
}

/** Throws the ARM error for a missing, malformed or unsupported api-version. */
export function checkApiVersion(apiVersion: string | null, namespace: string, topType: string | undefined, location: string): void {
  if (!apiVersion) {
    throw new ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  }
  const supported = supportedApiVersions(namespace, topType);
  if (!API_VERSION_FORMAT.test(apiVersion)) {
    throw new ArmError(400, "InvalidApiVersionParameter", `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.join(",")}'.`);
  }
  if (!supported.includes(apiVersion)) {
    const typeName = topType ?? "resourceGroups";
    throw new ArmError(
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${typeName}'. The supported api-versions are '${supported.join(", ")}'. The supported locations are '${KNOWN_LOCATIONS.join(", ")}'.`,
    );
  }
}

export const KNOWN_LOCATIONS = [
  "eastus",
  "eastus2",
  "westus",
  "westus2",
  "westus3",
  "centralus",
  "northcentralus",
  "southcentralus",
  "westcentralus",
  "canadacentral",
  "brazilsouth",
  "northeurope",
  "westeurope",
  "uksouth",
  "ukwest",
  "francecentral",
  "germanywestcentral",
  "switzerlandnorth",
  "norwayeast",
  "swedencentral",
  "italynorth",
  "polandcentral",
  "eastasia",
  "southeastasia",
  "japaneast",
  "japanwest",
  "koreacentral",
  "australiaeast",
  "centralindia",
  "uaenorth",
  "southafricanorth",
];

/** "West Europe" -> "westeurope", as ARM normalizes display names; undefined for an unknown region. */
export function normalizeLocation(location: string): string | undefined {
  const normalized = location.replace(/\s+/g, "").toLowerCase();
  return KNOWN_LOCATIONS.includes(normalized) ? normalized : undefined;
}
