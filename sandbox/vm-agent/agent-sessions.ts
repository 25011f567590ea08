import { createHash, createPublicKey, createVerify, randomBytes, randomUUID } from "node:crypto";
import { identifyCaller } from "../devops/devops-auth";
import type { SandboxDirectory } from "../directory";
import { distributedTaskError, stateErrorResponse, unauthorized, vssHeaders } from "../devops/devops-errors";
import type { AgentRecord } from "../devops/devops-model";
import type { DevOpsState } from "../devops/devops-state";
import { headerValue, json, parseFormBody, SandboxRequest, SandboxResponse } from "../http/message";
import { asNumber, asObject, asString } from "../arm/types/wire";
import { AGENT_PACKAGE_NAME, AGENT_VERSION } from "./package/agent-version";

/**
 * What a configured agent talks to after `config.sh`: the OAuth token endpoint its registration names
 * (`{org}/_apis/oauth2/token`, client-credentials grant with an RS256 assertion signed by the agent's key, checked
 * against the public key config.sh registered) and its pool's sessions (`pools/{id}/sessions`). Creating a session
 * is what puts an agent online on the service; deleting the last one takes it offline. Also the package list
 * (`distributedtask/packages/agent?platform=linux-x64`) that tells tools where to download the agent.
 */

interface Session {
  sessionId: string;
  poolId: number;
  agentId: number;
  ownerName: string;
  /** The sandbox VM whose script opened it (X-Amlvnet-Vm-Id), so deleting the VM takes the agent offline. */
  vmId?: string;
}

const TOKEN_LIFETIME_S = 3600;

function b64url(text: string): string {
  return Buffer.from(text, "base64url").toString("utf8");
}

function tokenError(description: string): SandboxResponse {
  return json(400, { error: "invalid_client", error_description: description });
}

export class AgentSessions {
  private readonly tokens = new Map<string, { agentId: number; expires: number }>();
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly state: DevOpsState,
    private readonly directory: SandboxDirectory,
    private readonly agentPackage: () => { url: string; bytes: Buffer },
  ) {}

  handle(req: SandboxRequest): SandboxResponse | undefined {
    const segments = req.url.pathname
      .split("/")
      .filter(Boolean)
      .map((s) => s.toLowerCase());
    if (segments[0] !== this.directory.devopsOrganization.toLowerCase() || segments[1] !== "_apis") return undefined;
    if (segments[2] === "oauth2" && segments[3] === "token" && segments.length === 4 && req.method === "POST") return this.token(req);
    if (segments[2] === "distributedtask" && segments[3] === "packages" && segments[4] === "agent" && segments.length === 5 && req.method === "GET")
      return this.packages(req);
    if (segments[2] !== "distributedtask" || segments[3] !== "pools" || segments[5] !== "sessions" || segments.length > 7) return undefined;
    const poolId = Number(segments[4]);
    if (!Number.isInteger(poolId)) return undefined;
    const agentId = this.caller(req);
    if (agentId === undefined) return unauthorized(req.origin, this.directory.tenantId);
    if (req.method === "POST" && segments.length === 6) return this.create(req, poolId, agentId);
    if (req.method === "DELETE" && segments.length === 7) return this.delete(poolId, agentId, segments[6]);
    return distributedTaskError(405, "HttpResponseException", `The requested resource does not support http method '${req.method}'.`);
  }

  /** Closes the sessions a VM's agents opened (the VM is gone, so are its listeners). */
  dropVm(vmId: string): void {
    for (const session of [...this.sessions.values()]) if (session.vmId?.toLowerCase() === vmId.toLowerCase()) this.close(session);
  }

  /** GET _apis/distributedtask/packages/agent?platform=linux-x64: where the agent is downloaded from. */
  private packages(req: SandboxRequest): SandboxResponse {
    if (identifyCaller(req, this.directory).kind !== "pat") return unauthorized(req.origin, this.directory.tenantId);
    const platform = (req.url.searchParams.get("platform") ?? "linux-x64").toLowerCase();
    const { url, bytes } = this.agentPackage();
    const [major, minor, patch] = AGENT_VERSION.split(".").map(Number);
    const value =
      platform === "linux-x64"
        ? [
            {
              type: "agent",
              platform: "linux-x64",
              createdOn: new Date(0).toISOString(),
              version: { major, minor, patch },
              downloadUrl: url,
              infoUrl: "https://go.microsoft.com/fwlink/?LinkId=798199",
              filename: AGENT_PACKAGE_NAME,
              hashValue: createHash("sha256").update(bytes).digest("hex"),
            },
          ]
        : [];
    return { status: 200, headers: vssHeaders("7.1-preview.1"), body: { count: value.length, value } };
  }

  private token(req: SandboxRequest): SandboxResponse {
    const form = parseFormBody(req);
    if (form.get("grant_type") !== "client_credentials")
      return json(400, { error: "unsupported_grant_type", error_description: "Only client_credentials is supported." });
    const assertion = form.get("client_assertion") ?? "";
    const parts = assertion.split(".");
    if (parts.length !== 3) return tokenError("The client assertion is not a JWT.");
    let claims: { iss?: string; sub?: string; aud?: string; exp?: number; nbf?: number };
    try {
      if (asObject(JSON.parse(b64url(parts[0]))).alg !== "RS256") return tokenError("The client assertion must be signed with RS256.");
      const payload = asObject(JSON.parse(b64url(parts[1])));
      // RFC 7519: iss/sub/aud are strings, exp/nbf NumericDates.
      claims = { iss: asString(payload.iss), sub: asString(payload.sub), aud: asString(payload.aud), exp: asNumber(payload.exp), nbf: asNumber(payload.nbf) };
    } catch {
      return tokenError("The client assertion is not a JWT.");
    }
    const agent = [...this.state.agents.values()].find((a) => a.authorization.clientId === claims.iss);
    if (!agent || claims.sub !== claims.iss) return tokenError(`No agent is registered with client ID '${claims.iss ?? ""}'.`);
    if (!this.signedBy(agent, parts))
      return tokenError("The client assertion is not signed by the key registered for this agent (was it replaced from another machine?).");
    const now = Math.floor(Date.now() / 1000);
    const serverTime = new Date().toISOString();
    if ((claims.exp ?? 0) < now)
      return tokenError(`The bearer token expired on ${new Date((claims.exp ?? 0) * 1000).toISOString()}. Current server time is ${serverTime}.`);
    if ((claims.nbf ?? 0) > now + 300)
      return tokenError(`The bearer token is not valid until ${new Date((claims.nbf ?? 0) * 1000).toISOString()}. Current server time is ${serverTime}.`);
    const accessToken = randomBytes(32).toString("base64url");
    this.tokens.set(accessToken, { agentId: agent.id, expires: Date.now() + TOKEN_LIFETIME_S * 1000 });
    return json(200, { access_token: accessToken, token_type: "jwt-bearer", expires_in: TOKEN_LIFETIME_S }, { "cache-control": "no-store" });
  }

  private signedBy(agent: AgentRecord, parts: string[]): boolean {
    const publicKey = agent.authorization.publicKey;
    if (!publicKey) return false;
    try {
      const key = createPublicKey({
        key: { kty: "RSA", n: publicKey.modulus.toString("base64url"), e: publicKey.exponent.toString("base64url") },
        format: "jwk",
      });
      return createVerify("RSA-SHA256").update(`${parts[0]}.${parts[1]}`).verify(key, Buffer.from(parts[2], "base64url"));
    } catch {
      return false;
    }
  }

  /** The agent an access token was issued to, if the request carries a live one. */
  private caller(req: SandboxRequest): number | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(headerValue(req, "authorization") ?? "");
    const token = match ? this.tokens.get(match[1]) : undefined;
    return token && token.expires > Date.now() && this.state.agents.has(token.agentId) ? token.agentId : undefined;
  }

  private create(req: SandboxRequest, poolId: number, agentId: number): SandboxResponse {
    let body: Record<string, unknown> = {};
    try {
      body = asObject(JSON.parse(req.body.toString("utf8") || "{}"));
    } catch {
      body = {};
    }
    if (asObject(body.agent).id !== agentId)
      return distributedTaskError(403, "AccessDeniedException", "Access denied. An agent can only create sessions for itself.");
    let agent: AgentRecord;
    try {
      agent = this.state.getAgent(poolId, agentId);
    } catch (error) {
      return stateErrorResponse(error);
    }
    // A new listener for the same agent wins (`--replace` on another machine): the old session is dropped.
    for (const session of [...this.sessions.values()]) if (session.agentId === agentId) this.sessions.delete(session.sessionId);
    const session: Session = {
      sessionId: randomUUID(),
      poolId,
      agentId,
      ownerName: asString(body.ownerName) ?? agent.name,
      vmId: headerValue(req, "x-amlvnet-vm-id"),
    };
    this.sessions.set(session.sessionId, session);
    this.state.setAgentStatus(poolId, agentId, "online");
    return {
      status: 200,
      headers: vssHeaders("7.1-preview.1"),
      body: {
        sessionId: session.sessionId,
        ownerName: session.ownerName,
        agent: { id: agent.id, name: agent.name, version: agent.version, osDescription: agent.osDescription, enabled: agent.enabled, status: agent.status },
        encryptionKey: { encrypted: false, value: randomBytes(32).toString("base64") },
      },
    };
  }

  private delete(poolId: number, agentId: number, sessionId: string): SandboxResponse {
    const session = this.sessions.get(sessionId);
    if (!session || session.poolId !== poolId || session.agentId !== agentId) {
      return distributedTaskError(404, "TaskAgentSessionExpiredException", `The session ${sessionId} is not found or has expired.`);
    }
    this.close(session);
    return { status: 204, headers: vssHeaders("7.1-preview.1") };
  }

  private close(session: Session): void {
    this.sessions.delete(session.sessionId);
    const others = [...this.sessions.values()].some((s) => s.agentId === session.agentId);
    const agent = this.state.agents.get(session.agentId);
    if (!others && agent && agent.poolId === session.poolId) this.state.setAgentStatus(session.poolId, session.agentId, "offline");
  }
}
