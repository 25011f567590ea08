import { AmlInputError } from "./errors";
import { amlJson, AmlCall } from "./http";
import type { AmlWorkspaceRef } from "./types";

/** Where a workspace's AML services live: its discovery document's `api`, and the cloud's studio. */
export interface AmlEndpoints {
  /** Regional API (https://<region>.api.azureml.ms): serves /pipelines/v1.0 and /history/v1.0. */
  api: string;
  /** Studio base for run links: the cloud's (the discovery document names none). */
  studio: string;
}

export interface WorkspaceParts {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const WORKSPACE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/?$/i;

export function workspaceParts(workspace: AmlWorkspaceRef): WorkspaceParts {
  const match = WORKSPACE_ID.exec(workspace.id);
  if (!match)
    throw new AmlInputError(
      `workspace '${workspace.id}' is not the resource ID of an Azure ML workspace (/subscriptions/…/resourceGroups/…/providers/Microsoft.MachineLearningServices/workspaces/…)`,
    );
  return { subscriptionId: match[1], resourceGroup: match[2], name: match[3] };
}

/** The path every data-plane route of the workspace starts with (after /pipelines/v1.0 or /history/v1.0). */
export function workspacePath(workspace: AmlWorkspaceRef): string {
  const p = workspaceParts(workspace);
  return `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${p.name}`;
}

/**
 * GET the workspace's discoveryUrl (https://<region>.<cloud's AML API suffix>/discovery when the workspace has none).
 * The real document lists service base URLs (api, catalog, experimentation, gallery, history, hyperdrive, labeling,
 * modelmanagement, pipelines, studiocoreservices) and no studio: run links use the cloud's studio host.
 */
export async function discoverAmlEndpoints(call: AmlCall): Promise<AmlEndpoints> {
  const { workspace, deps } = call;
  const url = workspace.discoveryUrl || `https://${workspace.location.replace(/\s+/g, "").toLowerCase()}.${deps.apiSuffix ?? "api.azureml.ms"}/discovery`;
  const document = await amlJson<Record<string, unknown>>(call, "GET", url, { what: `discovery document ${url}`, doing: "discover the AML endpoints" });
  const api = typeof document?.api === "string" ? document.api.replace(/\/+$/, "") : "";
  if (!api) throw new AmlInputError(`the discovery document of workspace ${workspace.name} (${url}) has no 'api' endpoint`);
  return { api: workspaceApiBase(api, workspace), studio: (deps.studio ?? "https://ml.azure.com").replace(/\/+$/, "") };
}

/**
 * Where the v1 data plane (pipelines, run history) of this workspace is called. A private endpoint covers only the
 * workspace's own names: <workspaceId>.workspace.<region>.api.azureml.ms (and .cert.), which its NIC lists and the
 * privatelink.api.azureml.ms zone holds (azure-ai-docs how-to-custom-dns); the regional <region>.api.azureml.ms that
 * discovery names resolves publicly, so from a locked-down agent it is unreachable or refused (the refusal AML sends,
 * "Access to workspace was denied based on workspace private link configuration", is quoted in MicrosoftDocs/
 * azure-docs#90426). For a private-link workspace the regional host becomes the workspace host; the gate probes
 * exactly that name (it is one of the endpoint's FQDNs). Unverified against a recording: no trace of SDK v1 on a
 * private-link workspace was found; a workspace without private endpoints keeps discovery's host.
 */
export function workspaceApiBase(api: string, workspace: AmlWorkspaceRef): string {
  if (!workspace.privateLinkCount || !workspace.workspaceGuid) return api;
  const url = new URL(api);
  const region = workspace.location.replace(/\s+/g, "").toLowerCase();
  if (!url.hostname.startsWith(`${region}.`)) return api;
  url.hostname = `${workspace.workspaceGuid}.workspace.${url.hostname}`;
  return url.toString().replace(/\/+$/, "");
}

/** A run's link in the studio, as azureml-core's get_portal_url builds it: /runs/{id}?wsid=...&tid=... */
export function studioRunUrl(studio: string, workspace: AmlWorkspaceRef, runId: string, tenantId: string | undefined): string {
  const p = workspaceParts(workspace);
  const tid = tenantId ? `&tid=${tenantId}` : "";
  return `${studio}/runs/${encodeURIComponent(runId)}?wsid=/subscriptions/${p.subscriptionId}/resourcegroups/${p.resourceGroup}/workspaces/${p.name}${tid}`;
}
