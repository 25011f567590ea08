/**
 * Which A record a private DNS zone group writes for an FQDN: the FQDN without the zone's public DNS zone forwarder.
 * The sandbox keeps its own table (not the product's network/private-link-zones.ts) so the two can disagree when one
 * is wrong. Source: learn.microsoft.com/azure/private-link/private-endpoint-dns, "Public DNS zone forwarders" columns
 * (Commercial, Government, China). Zone groups only write records in the recommended zones, so an unknown zone gets none.
 */
const STORAGE = ["blob", "file", "queue", "table", "dfs", "web"];
const CLOUD_SUFFIXES = { commercial: "core.windows.net", government: "core.usgovcloudapi.net", china: "core.chinacloudapi.cn" };

const FORWARDERS: Record<string, string[]> = {
  "privatelink.api.azureml.ms": ["api.azureml.ms"],
  "privatelink.notebooks.azure.net": ["notebooks.azure.net"],
  "privatelink.api.ml.azure.us": ["api.ml.azure.us"],
  "privatelink.notebooks.usgovcloudapi.net": ["notebooks.usgovcloudapi.net"],
  "privatelink.api.ml.azure.cn": ["api.ml.azure.cn"],
  "privatelink.notebooks.chinacloudapi.cn": ["notebooks.chinacloudapi.cn"],
  "privatelink.vaultcore.azure.net": ["vault.azure.net", "vaultcore.azure.net"],
  "privatelink.vaultcore.usgovcloudapi.net": ["vault.usgovcloudapi.net", "vaultcore.usgovcloudapi.net"],
  "privatelink.vaultcore.azure.cn": ["vault.azure.cn", "vaultcore.azure.cn"],
  "privatelink.azurecr.io": ["azurecr.io"],
  "privatelink.azurecr.us": ["azurecr.us"],
  "privatelink.azurecr.cn": ["azurecr.cn"],
  ...Object.fromEntries(
    STORAGE.flatMap((service) => Object.values(CLOUD_SUFFIXES).map((suffix) => [`privatelink.${service}.${suffix}`, [`${service}.${suffix}`]])),
  ),
};

/** `kv.vault.azure.net` in `privatelink.vaultcore.azure.net` is record `kv`; undefined when the zone does not hold it. */
export function recordNameIn(zoneName: string, fqdn: string): string | undefined {
  const name = fqdn.toLowerCase().replace(/\.$/, "");
  const forwarder = (FORWARDERS[zoneName.toLowerCase()] ?? []).find((suffix) => name.endsWith(`.${suffix}`));
  return forwarder === undefined ? undefined : name.slice(0, name.length - forwarder.length - 1);
}
