import type { CloudName } from "../../azure/cloud";

/**
 * Azure regions that host virtual machines, by cloud (the `name` column of `az account list-locations`). A config
 * naming another region is refused before anything is written; a new region needs adding here.
 */
const REGIONS: Record<CloudName, string[]> = {
  AzureCloud: [
    "australiacentral",
    "australiacentral2",
    "australiaeast",
    "australiasoutheast",
    "austriaeast",
    "belgiumcentral",
    "brazilsouth",
    "brazilsoutheast",
    "canadacentral",
    "canadaeast",
    "centralindia",
    "centralus",
    "chilecentral",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "francesouth",
    "germanynorth",
    "germanywestcentral",
    "indonesiacentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "japanwest",
    "jioindiacentral",
    "jioindiawest",
    "koreacentral",
    "koreasouth",
    "malaysiawest",
    "mexicocentral",
    "newzealandnorth",
    "northcentralus",
    "northeurope",
    "norwayeast",
    "norwaywest",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southafricawest",
    "southcentralus",
    "southindia",
    "southeastasia",
    "spaincentral",
    "swedencentral",
    "swedensouth",
    "switzerlandnorth",
    "switzerlandwest",
    "uaecentral",
    "uaenorth",
    "uksouth",
    "ukwest",
    "westcentralus",
    "westeurope",
    "westindia",
    "westus",
    "westus2",
    "westus3",
  ],
  AzureUSGovernment: ["usgovarizona", "usgovtexas", "usgovvirginia", "usdodcentral", "usdodeast"],
  AzureChinaCloud: ["chinaeast", "chinaeast2", "chinaeast3", "chinanorth", "chinanorth2", "chinanorth3"],
};

/** "West Europe" → "westeurope" when the cloud has that region; undefined otherwise. */
export function normalizeRegion(location: string, cloud: CloudName): string | undefined {
  const normalized = location.replace(/\s+/g, "").toLowerCase();
  return REGIONS[cloud].includes(normalized) ? normalized : undefined;
}

/** Known regions closest in spelling, for the error message ("did you mean westeurope?"). */
export function suggestRegion(location: string, cloud: CloudName): string | undefined {
  const wanted = location.replace(/\s+/g, "").toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of REGIONS[cloud]) {
    const distance = editDistance(wanted, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= 3 ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
