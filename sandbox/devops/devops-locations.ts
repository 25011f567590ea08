import { headerValue, SandboxRequest, SandboxResponse } from "../http/message";
import { vssError } from "./devops-errors";

/** An ApiResourceLocation as the service lists it in answer to OPTIONS _apis/{area}. */
export interface ApiResourceLocation {
  id: string;
  area: string;
  resourceName: string;
  routeTemplate: string;
  resourceVersion: number;
  minVersion: string;
  maxVersion: string;
  releasedVersion: string;
}

/** Location IDs as azure-devops-node-api uses them (LocationsApi.js, TaskAgentApiBase.js) and raw REST docs name them. */
export const LOCATION_IDS = {
  connectionData: "00d9565f-ed9c-4a06-9a50-00e7896ccab4",
  resourceAreas: "e81700f7-3be2-46de-8624-2eb35882fcaa",
  pools: "a8c47e17-4d56-4a56-92bb-de7ea7dc65be",
  agents: "e298ef32-5878-4cab-993c-043836571f42",
  elasticPools: "dd3c938f-835b-4971-b99a-db75a47aad43",
  /** TaskAgentApiBase.js addAgentQueue / getAgentQueues* / deleteAgentQueue. */
  queues: "900fa995-c559-4923-aae7-f8424fe4fbea",
  /**
   * Pipeline Permissions (REST docs, approvalsandchecks/pipeline-permissions, api-version 7.1-preview.1); no client
   * library method names its location ID, so this one is the sandbox's own (it only drives version negotiation).
   */
  pipelinePermissions: "b5b9a4a4-e6cd-4096-853c-ab7d8b0c4eb2",
  /** CoreApi.js getProjects / getProject ("core" area). */
  projects: "603fe2ac-9723-48b9-88ad-09305aa6c6e1",
} as const;

/** Resource area of Core (projects, teams): WebApi.getCoreApi looks it up in ResourceAreas. */
export const CORE_AREA_ID = "79134c72-4a58-4b42-976c-04e7115f32bf";

/** Resource area of the distributed task service (WebApi.getTaskAgentApi looks it up in ResourceAreas). */
export const DISTRIBUTED_TASK_AREA_ID = "a85b8835-c1a1-4aac-ae97-1c3d0ba72dbd";

const LOCATIONS: ApiResourceLocation[] = [
  {
    id: LOCATION_IDS.connectionData,
    area: "Location",
    resourceName: "ConnectionData",
    routeTemplate: "_apis/{resource}",
    resourceVersion: 1,
    minVersion: "1.0",
    maxVersion: "7.2",
    releasedVersion: "7.1",
  },
  {
    id: LOCATION_IDS.resourceAreas,
    area: "Location",
    resourceName: "ResourceAreas",
    routeTemplate: "_apis/{resource}/{areaId}",
    resourceVersion: 1,
    minVersion: "3.2",
    maxVersion: "7.2",
    releasedVersion: "0.0",
  },
  {
    id: LOCATION_IDS.pools,
    area: "distributedtask",
    resourceName: "pools",
    routeTemplate: "_apis/{area}/{resource}/{poolId}",
    resourceVersion: 1,
    minVersion: "3.0",
    maxVersion: "7.2",
    releasedVersion: "7.1",
  },
  {
    id: LOCATION_IDS.agents,
    area: "distributedtask",
    resourceName: "agents",
    routeTemplate: "_apis/{area}/pools/{poolId}/{resource}/{agentId}",
    resourceVersion: 1,
    minVersion: "3.0",
    maxVersion: "7.2",
    releasedVersion: "7.1",
  },
  {
    id: LOCATION_IDS.queues,
    area: "distributedtask",
    resourceName: "queues",
    routeTemplate: "{project}/_apis/{area}/{resource}/{queueId}",
    resourceVersion: 1,
    minVersion: "3.0",
    maxVersion: "7.2",
    releasedVersion: "7.1",
  },
  {
    id: LOCATION_IDS.pipelinePermissions,
    area: "pipelinePermissions",
    resourceName: "pipelinePermissions",
    routeTemplate: "{project}/_apis/pipelines/{resource}/{resourceType}/{resourceId}",
    resourceVersion: 1,
    minVersion: "5.1",
    maxVersion: "7.2",
    releasedVersion: "0.0",
  },
  {
    id: LOCATION_IDS.projects,
    area: "core",
    resourceName: "projects",
    routeTemplate: "_apis/{resource}/{*projectId}",
    resourceVersion: 4,
    minVersion: "1.0",
    maxVersion: "7.2",
    releasedVersion: "7.1",
  },
  {
    id: LOCATION_IDS.elasticPools,
    area: "distributedtask",
    resourceName: "elasticpools",
    routeTemplate: "_apis/{area}/{resource}/{poolId}",
    resourceVersion: 1,
    minVersion: "6.1",
    maxVersion: "7.2",
    releasedVersion: "7.0",
  },
];

/** OPTIONS _apis/{area} (or _apis for all areas): the wrapped list of that area's resource locations. */
export function locationsForArea(area: string | undefined): { count: number; value: ApiResourceLocation[] } {
  const value = LOCATIONS.filter((location) => area === undefined || location.area.toLowerCase() === area.toLowerCase());
  return { count: value.length, value };
}

export function location(id: string): ApiResourceLocation {
  const found = LOCATIONS.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`unknown location ${id}`);
  return found;
}

/** GET _apis/ResourceAreas: the areas this organization serves, each at the organization URL. */
export function resourceAreas(organizationUrl: string): { id: string; name: string; locationUrl: string }[] {
  return [
    { id: DISTRIBUTED_TASK_AREA_ID, name: "distributedtask", locationUrl: `${organizationUrl}/` },
    { id: CORE_AREA_ID, name: "core", locationUrl: `${organizationUrl}/` },
  ];
}

/** The api-version a request asks for: `?api-version=` wins over the Accept header's `api-version` parameter. */
export function requestedApiVersion(req: SandboxRequest): string | undefined {
  const fromQuery = req.url.searchParams.get("api-version");
  if (fromQuery) return fromQuery.trim();
  const accept = headerValue(req, "accept") ?? "";
  const match = /api-version\s*=\s*([^;,\s]+)/i.exec(accept);
  return match ? match[1] : undefined;
}

const VSS = "Microsoft.VisualStudio.Services.WebApi";

function versionError(typeKey: string, message: string): SandboxResponse {
  return vssError(400, `${VSS}.${typeKey}, ${VSS}`, typeKey, message);
}

/**
 * Checks the requested api-version against a location the way the service does and returns the version to
 * answer with, or the 400 the service sends. GETs without a version get the latest released one.
 */
export function negotiateApiVersion(req: SandboxRequest, loc: ApiResourceLocation): { version: string } | { error: SandboxResponse } {
  const requested = requestedApiVersion(req);
  const released = Number(loc.releasedVersion);
  if (!requested) {
    if (req.method === "GET" || req.method === "OPTIONS" || req.method === "HEAD") {
      return { version: released > 0 ? loc.releasedVersion : `${loc.maxVersion}-preview.${loc.resourceVersion}` };
    }
    return {
      error: versionError(
        "VssVersionNotSpecifiedException",
        `No api-version was supplied for the "${req.method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. '?api-version=1.0').`,
      ),
    };
  }
  const match = /^(\d+\.\d+)(-preview(\.(\d+))?)?$/i.exec(requested);
  if (!match) return { error: versionError("VssInvalidApiVersionException", `The specified api-version '${requested}' is invalid.`) };
  const number = Number(match[1]);
  const preview = match[2] !== undefined;
  const resourceVersion = match[4] !== undefined ? Number(match[4]) : undefined;
  if (number > Number(loc.maxVersion) || number < Number(loc.minVersion) || (resourceVersion !== undefined && resourceVersion > loc.resourceVersion)) {
    return {
      error: versionError(
        "VssVersionOutOfRangeException",
        `The requested REST API version of ${requested} is out of range for this server. The latest REST API version this server supports is ${loc.maxVersion}.`,
      ),
    };
  }
  if (!preview && number > released) {
    return {
      error: versionError(
        "VssInvalidPreviewVersionException",
        `The requested version "${requested}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${match[1]}-preview"`,
      ),
    };
  }
  return { version: requested };
}
