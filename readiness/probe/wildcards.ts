import { inferenceWildcardRecord, isWildcardFqdn } from "../../network/private-link-zones";

/** The first label the probe puts under a wildcard: a name nobody registers, so only the wildcard record answers it. */
export const PROBE_LABEL = "amlvnet-probe";

/**
 * A wildcard FQDN cannot be resolved as written. The managed online endpoints' `*.<region>.inference.ml.azure.com`
 * is answered by the record `*.<workspace guid>.inference.<region>` in privatelink.api.azureml.ms (public names
 * reach it through a per-endpoint CNAME, azure-ai-docs how-to-custom-dns.md), so the probe asks for a concrete name
 * under that record: `amlvnet-probe.<guid>.inference.<region>.privatelink.api.azureml.ms`. Any other wildcard
 * `*.rest` is probed as `amlvnet-probe.rest`. Undefined when the name cannot be made concrete (no workspace GUID).
 */
export function concreteProbeName(fqdn: string, workspaceGuid: string | undefined): { fqdn: string; recordName?: string; zone?: string } | undefined {
  if (!isWildcardFqdn(fqdn)) return { fqdn };
  const inferenceWithoutGuid = inferenceWildcardRecord(fqdn, "0");
  if (inferenceWithoutGuid) {
    if (!workspaceGuid) return undefined;
    const record = inferenceWildcardRecord(fqdn, workspaceGuid) as { zone: string; recordName: string };
    return { fqdn: `${PROBE_LABEL}.${record.recordName.slice(2)}.${record.zone}`, recordName: record.recordName, zone: record.zone };
  }
  return { fqdn: `${PROBE_LABEL}.${fqdn.trim().slice(2)}` };
}
