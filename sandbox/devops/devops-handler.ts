import type { SandboxDirectory } from "../directory";
import { Handler, headerValue, SandboxRequest, SandboxResponse } from "../http/message";
import type { SeededRandom } from "../http/random";
import { agentsRoute } from "./devops-agent-routes";
import { identifyCaller } from "./devops-auth";
import type { DevOpsContext } from "./devops-context";
import { connectionDataResponse, optionsResponse, resourceAreasResponse } from "./devops-discovery";
import { elasticPoolsRoute } from "./devops-elastic-routes";
import { controllerNotFound, signInPage, unauthorized } from "./devops-errors";
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
  if (segments.length < 2 || segments[1].toLowerCase() !== "_apis") return undefined;
  if (segments[0].toLowerCase() !== directory.devopsOrganization.toLowerCase()) return undefined;
  const organizationUrl = `${req.origin}/${directory.devopsOrganization}`;
  const rest = segments.slice(2).map(decodeSegment);
  const route = rest.map((segment) => segment.toLowerCase());

  const caller = identifyCaller(req, directory);
  const refuse = () => (redirectSuppressed(req) ? unauthorized(req.origin, directory.tenantId) : signInPage(organizationUrl));
  if (caller.kind === "invalid") return refuse();
  // Discovery answers anonymous callers too; everything else needs a PAT.
  if (req.method === "OPTIONS") return rest.length <= 1 ? optionsResponse(rest[0]) : controllerNotFound(req.url.pathname);
  if (route[0] === "resourceareas" && rest.length <= 2 && req.method === "GET") return resourceAreasResponse(req, organizationUrl, rest[1]);
  if (caller.kind === "anonymous") return refuse();
  if (route[0] === "connectiondata" && rest.length === 1 && req.method === "GET") return connectionDataResponse(req, directory, caller.pat);

  const target = distributedTaskTarget(route);
  if (!target) return controllerNotFound(req.url.pathname);
  const negotiated = negotiateApiVersion(req, location(target.locationId));
  if ("error" in negotiated) return negotiated.error;
  const ctx: DevOpsContext = { req, state, pat: caller.pat, organizationUrl, apiVersion: negotiated.version };
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
