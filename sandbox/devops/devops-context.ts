import type { PersonalAccessToken } from "../directory";
import type { SandboxRequest, SandboxResponse } from "../http/message";
import { accessDenied, stateErrorResponse, vssHeaders } from "./devops-errors";
import { hasAgentPoolsScope } from "./devops-auth";
import type { DevOpsState } from "./devops-state";

/** What a distributedtask route needs: the request, the state, the authenticated caller and the negotiated version. */
export interface DevOpsContext {
  req: SandboxRequest;
  state: DevOpsState;
  pat: PersonalAccessToken;
  /** e.g. https://127.0.0.1:8443/sandbox-org (no trailing slash). */
  organizationUrl: string;
  apiVersion: string;
}

export function ok(ctx: DevOpsContext, body: unknown): SandboxResponse {
  return { status: 200, headers: vssHeaders(ctx.apiVersion), body };
}

export function noContent(ctx: DevOpsContext): SandboxResponse {
  return { status: 204, headers: vssHeaders(ctx.apiVersion) };
}

/** The 403 for a caller whose PAT lacks the agent pools scope the operation needs, or undefined when allowed. */
export function requireScope(ctx: DevOpsContext, access: "read" | "manage"): SandboxResponse | undefined {
  if (hasAgentPoolsScope(ctx.pat, access)) return undefined;
  return accessDenied(ctx.pat.userName, access === "manage" ? "Manage" : "View");
}

/** Runs a route's work for a caller who needs `access`: the 403 without it, a refused state change as the service words it. */
export function withScope(ctx: DevOpsContext, access: "read" | "manage", work: () => SandboxResponse): SandboxResponse {
  const denied = requireScope(ctx, access);
  if (denied) return denied;
  try {
    return work();
  } catch (error) {
    return stateErrorResponse(error);
  }
}

/** A route segment that must be a positive 32-bit integer ID. */
export function parseId(segment: string | undefined): number | undefined {
  if (segment === undefined || !/^\d{1,10}$/.test(segment)) return undefined;
  const id = Number(segment);
  return id > 0 && id <= 0x7fffffff ? id : undefined;
}
