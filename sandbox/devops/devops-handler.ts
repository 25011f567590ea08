import type { PersonalAccessToken, SandboxDirectory } from "../directory";
import { Handler, headerValue, SandboxRequest, SandboxResponse } from "../http/message";
import type { SeededRandom } from "../http/random";
import { agentsRoute } from "./devops-agent-routes";
import { identifyCaller } from "./devops-auth";
import type { DevOpsContext } from "./devops-context";
import { connectionDataResponse, optionsResponse, resourceAreasResponse } from "./devops-discovery";
import { elasticPoolsRoute } from "./devops-elastic-routes";
import { controllerNotFound, projectNotFound, signInPage, unauthorized } from "./devops-errors";
import { pipelinePermissionsRoute } from "./devops-permission-routes";
import { projectsRoute, queuesRoute } from "./devops-project-routes";
import { location, LOCATION_IDS, negotiateApiVersion } from "./devops-locations";
import { poolsRoute } from "./devops-pool-routes";
import { DevOpsState } from "./devops-state";

/**
 * Azure DevOps REST for one organization at `${origin}/${directory.devopsOrganization}`: connection data,
 * location/resource-area discovery, agent pools, agents and elastic pools, with PAT (Basic) authentication.
 */
export function createDevOpsHandler(directory: SandboxDirectory, random: SeededRandom): { handler: Handler; state: DevOpsState } {
  const state = new DevOpsState(random, directory.devopsOrganizationId);
  const handler: Handler = (req) => handle(req, directory, state);
  return { handler, state };
}

function handle(req: SandboxRequest, directory: SandboxDirectory, state: DevOpsState): SandboxResponse | undefined {
  const segments = req.url.pathname.split("/").filter((segment) => segment !== "");
  // {org}/_apis/... or, for project-scoped resources, {org}/{project}/_apis/...
  const scoped = segments.length >= 3 && segments[1].toLowerCase() !== "_apis" && segments[2].toLowerCase() === "_apis";
  const apis = scoped ? 2 : 1;
  if (segments.length < apis + 1 || segments[apis].toLowerCase() !== "_apis") return undefined;
  if (segments[0].toLowerCase() !== directory.devopsOrganization.toLowerCase()) return undefined;
  const organizationUrl = `${req.origin}/${directory.devopsOrganization}`;
  const rest = segments.slice(apis + 1).map(decodeSegment);
  const route = rest.map((segment) => segment.toLowerCase());

  const caller = identifyCaller(req, directory);
  const refuse = () => (redirectSuppressed(req) ? unauthorized(req.origin, directory.tenantId) : signInPage(organizationUrl));
  if (caller.kind === "invalid") return refuse();
  if (scoped) return caller.kind === "anonymous" ? refuse() : projectScoped(req, state, caller.pat, organizationUrl, decodeSegment(segments[1]), rest);
  // Discovery answers anonymous callers too; everything else needs a PAT.
  if (req.method === "OPTIONS") return rest.length <= 1 ? optionsResponse(rest[0]) : controllerNotFound(req.url.pathname);
  if (route[0] === "resourceareas" && rest.length <= 2 && req.method === "GET") return resourceAreasResponse(req, organizationUrl, rest[1]);
  if (caller.kind === "anonymous") return refuse();
  if (route[0] === "connectiondata" && rest.length === 1 && req.method === "GET") return connectionDataResponse(req, directory, caller.pat);

  if (route[0] === "projects" && rest.length <= 2)
    return serve(req, state, caller.pat, organizationUrl, { locationId: LOCATION_IDS.projects, serve: (ctx) => projectsRoute(ctx, rest[1]) }, rest);
  return serve(req, state, caller.pat, organizationUrl, distributedTaskTarget(route), rest);
}

/**
 * {org}/{project}/_apis/distributedtask/queues[/{queueId}] and {org}/{project}/_apis/pipelines/pipelinePermissions/
 * {resourceType}/{resourceId}: the project must exist (404 naming it otherwise).
 */
function projectScoped(
  req: SandboxRequest,
  state: DevOpsState,
  pat: PersonalAccessToken,
  organizationUrl: string,
  projectSegment: string,
  rest: string[],
): SandboxResponse {
  const route = rest.map((segment) => segment.toLowerCase());
  const isQueues = route[0] === "distributedtask" && route[1] === "queues" && route.length <= 3;
  const isPermissions = route[0] === "pipelines" && route[1] === "pipelinepermissions" && route.length === 4;
  if (!isQueues && !isPermissions) return controllerNotFound(req.url.pathname);
  const project = state.findProject(projectSegment);
  if (!project) return projectNotFound(projectSegment);
  if (isPermissions)
    return serve(
      req,
      state,
      pat,
      organizationUrl,
      { locationId: LOCATION_IDS.pipelinePermissions, serve: (ctx) => pipelinePermissionsRoute(ctx, project, rest[2], rest[3]) },
      rest,
    );
  return serve(req, state, pat, organizationUrl, { locationId: LOCATION_IDS.queues, serve: (ctx) => queuesRoute(ctx, project, rest[2]) }, rest);
}

function serve(
  req: SandboxRequest,
  state: DevOpsState,
  pat: PersonalAccessToken,
  organizationUrl: string,
  target: Target | undefined,
  rest: string[],
): SandboxResponse {
  if (!target) return controllerNotFound(req.url.pathname);
  const negotiated = negotiateApiVersion(req, location(target.locationId));
  if ("error" in negotiated) return negotiated.error;
  const ctx: DevOpsContext = { req, state, pat, organizationUrl, apiVersion: negotiated.version };
  const response = target.serve(ctx, rest);
  return response ?? controllerNotFound(req.url.pathname);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Clients that are not browsers (azure-devops-node-api, the agent, az devops) send X-TFS-FedAuthRedirect: Suppress. */
function redirectSuppressed(req: SandboxRequest): boolean {
  return (headerValue(req, "x-tfs-fedauthredirect") ?? "").toLowerCase() === "suppress";
}

interface Target {
  locationId: string;
  serve: (ctx: DevOpsContext, rest: string[]) => SandboxResponse | undefined;
}

/** Matches _apis/distributedtask/{pools[/{id}[/agents[/{id}]]] | elasticpools[/{id}]} (case-insensitive). */
function distributedTaskTarget(route: string[]): Target | undefined {
  if (route[0] !== "distributedtask") return undefined;
  if (route[1] === "pools" && route.length <= 3) return { locationId: LOCATION_IDS.pools, serve: (ctx, rest) => poolsRoute(ctx, rest[2]) };
  if (route[1] === "pools" && route[3] === "agents" && route.length <= 5) {
    return { locationId: LOCATION_IDS.agents, serve: (ctx, rest) => agentsRoute(ctx, rest[2], rest[4]) };
  }
  if (route[1] === "elasticpools" && route.length <= 3) return { locationId: LOCATION_IDS.elasticPools, serve: (ctx, rest) => elasticPoolsRoute(ctx, rest[2]) };
  return undefined;
}
