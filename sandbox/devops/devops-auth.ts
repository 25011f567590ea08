import type { PersonalAccessToken, SandboxDirectory } from "../directory";
import { headerValue, SandboxRequest } from "../http/message";
import { guidFrom } from "../http/random";
import type { DevOpsIdentity } from "./devops-model";

/** No Authorization header, a PAT the organization knows, or credentials it rejects. */
export type Caller = { kind: "anonymous" } | { kind: "pat"; pat: PersonalAccessToken } | { kind: "invalid" };

/**
 * Reads `Authorization: Basic base64(user:pat)` as Azure DevOps does: the user name is ignored, the password
 * must be a PAT of the organization. The token itself never leaves this function except as the matched record.
 */
export function identifyCaller(req: SandboxRequest, directory: SandboxDirectory): Caller {
  const header = headerValue(req, "authorization");
  if (!header) return { kind: "anonymous" };
  const match = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (!match) return { kind: "invalid" };
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return { kind: "invalid" };
  const pat = directory.pats.get(decoded.slice(colon + 1));
  return pat ? { kind: "pat", pat } : { kind: "invalid" };
}

/** Full-access PATs carry app_token; vso.agentpools_manage includes vso.agentpools. */
export function hasAgentPoolsScope(pat: PersonalAccessToken, access: "read" | "manage"): boolean {
  const scopes = new Set(pat.scopes);
  if (scopes.has("app_token") || scopes.has("vso.agentpools_manage")) return true;
  return access === "read" && scopes.has("vso.agentpools");
}

/** The identity Azure DevOps shows for the PAT's owner (stable per user name). */
export function patIdentity(pat: PersonalAccessToken): DevOpsIdentity {
  return { id: guidFrom(`devops-user:${pat.userName}`), displayName: pat.userName, uniqueName: pat.userName };
}
