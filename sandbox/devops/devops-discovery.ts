import type { PersonalAccessToken, SandboxDirectory } from "../directory";
import type { SandboxRequest, SandboxResponse } from "../http/message";
import { guidFrom } from "../http/random";
import { patIdentity } from "./devops-auth";
import { vssError, vssHeaders } from "./devops-errors";
import { query } from "./devops-input";
import { location, LOCATION_IDS, locationsForArea, negotiateApiVersion, resourceAreas } from "./devops-locations";

/** The service owner GUID dev.azure.com reports for the organization-level (TFS) service. */
const SERVICE_OWNER = "00025394-6065-48ca-87d9-7f5672854ef7";
const LAST_CHANGE_ID = 1;

/** OPTIONS _apis or _apis/{area}: the location table clients use to build URLs and negotiate versions. */
export function optionsResponse(area: string | undefined): SandboxResponse {
  return { status: 200, headers: vssHeaders(), body: locationsForArea(area) };
}

/** GET _apis/ResourceAreas[/{areaId}]: where each service area lives (here, all at the organization URL). */
export function resourceAreasResponse(req: SandboxRequest, organizationUrl: string, areaId: string | undefined): SandboxResponse {
  const negotiated = negotiateApiVersion(req, location(LOCATION_IDS.resourceAreas));
  if ("error" in negotiated) return negotiated.error;
  const areas = resourceAreas(organizationUrl);
  if (areaId === undefined) return { status: 200, headers: vssHeaders(negotiated.version), body: { count: areas.length, value: areas } };
  const area = areas.find((candidate) => candidate.id === areaId.toLowerCase());
  if (!area) {
    const typeName = "Microsoft.VisualStudio.Services.Location.ResourceAreaNotFoundException, Microsoft.VisualStudio.Services.WebApi";
    return vssError(404, typeName, "ResourceAreaNotFoundException", `Resource area ${areaId} was not found.`);
  }
  return { status: 200, headers: vssHeaders(negotiated.version), body: area };
}

function identity(pat: PersonalAccessToken, tenantId: string): Record<string, unknown> {
  const id = patIdentity(pat).id;
  return {
    id,
    descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${tenantId}\\${pat.userName}`,
    subjectDescriptor: `aad.${Buffer.from(id).toString("base64").replace(/=+$/, "")}`,
    providerDisplayName: pat.userName,
    isActive: true,
    properties: { Account: { $type: "System.String", $value: pat.userName } },
    resourceVersion: 2,
    metaTypeId: 0,
  };
}

/** GET _apis/connectionData: who the caller is and where the location service lives. */
export function connectionDataResponse(req: SandboxRequest, directory: SandboxDirectory, pat: PersonalAccessToken): SandboxResponse {
  const negotiated = negotiateApiVersion(req, location(LOCATION_IDS.connectionData));
  if ("error" in negotiated) return negotiated.error;
  const user = identity(pat, directory.tenantId);
  // ConnectOptions.IncludeServices = 1 asks for the access mappings and service definitions too.
  const includeServices = ((Number(query(req, "connectOptions") ?? "0") || 0) & 1) === 1;
  const locationServiceData: Record<string, unknown> = {
    serviceOwner: SERVICE_OWNER,
    defaultAccessMappingMoniker: "PublicAccessMapping",
    lastChangeId: LAST_CHANGE_ID,
    lastChangeId64: LAST_CHANGE_ID,
  };
  if (includeServices) {
    locationServiceData.accessMappings = [
      {
        displayName: "Public Access Mapping",
        moniker: "PublicAccessMapping",
        accessPoint: `${req.origin}/`,
        serviceOwner: SERVICE_OWNER,
        virtualDirectory: directory.devopsOrganization,
      },
    ];
    locationServiceData.serviceDefinitions = [];
  } else {
    locationServiceData.clientCacheFresh = Number(query(req, "lastChangeId64") ?? query(req, "lastChangeId") ?? "-1") >= LAST_CHANGE_ID;
  }
  return {
    status: 200,
    headers: vssHeaders(negotiated.version),
    body: {
      authenticatedUser: user,
      authorizedUser: user,
      instanceId: directory.devopsOrganizationId,
      deploymentId: guidFrom(`devops-deployment:${directory.devopsOrganizationId}`),
      deploymentType: "hosted",
      locationServiceData,
    },
  };
}
