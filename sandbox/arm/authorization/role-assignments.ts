import type { AppRegistration, RoleAssignment, SandboxDirectory } from "../../directory";
import { guidFrom } from "../../http/random";
import { json, parseJsonBody, SandboxRequest, SandboxResponse } from "../../http/message";
import { checkApiVersion } from "../api-versions";
import { ArmError } from "../arm-error";
import { authorize } from "../rbac";
import type { ResourceStore } from "../store";
import { BUILT_IN_ROLES, definitionIdAt, roleByDefinitionId, roleByName, roleDefinitionView } from "./role-definitions";

/**
 * Microsoft.Authorization/roleAssignments (2022-04-01) at any scope, and the built-in roleDefinitions: PUT/GET/DELETE
 * `{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`, lists with `$filter=atScope()`,
 * `principalId eq '{id}'` or `assignedTo('{id}')`. Shapes from azure-rest-api-specs
 * specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/examples/
 * RoleAssignments_CreateForResourceGroup.json, RoleAssignments_ListForScope.json; refusal codes
 * (InvalidRoleAssignmentId, RoleDefinitionDoesNotExist, RoleAssignmentExists, RoleAssignmentUpdateNotPermitted) as
 * documented in learn.microsoft.com azure/role-based-access-control/troubleshooting.
 *
 * The directory's grants (each app's roleAssignments) are listed here too, read-only, so one model answers both
 * "what may this caller do" (rbac.ts) and "what does GET roleAssignments show".
 */
export interface RoleAssignmentWire {
  id: string;
  name: string;
  type: "Microsoft.Authorization/roleAssignments";
  properties: {
    roleDefinitionId: string;
    principalId: string;
    principalType: string;
    scope: string;
    condition: string | null;
    conditionVersion: string | null;
    description: string | null;
    createdOn: string;
    updatedOn: string;
    createdBy: string | null;
    updatedBy: string | null;
    delegatedManagedIdentityResourceId: string | null;
  };
}

const SEGMENT = "/providers/microsoft.authorization/";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const API_NAMESPACE = "Microsoft.Authorization";

export function isAuthorizationPath(pathname: string): boolean {
  return pathname.toLowerCase().includes(SEGMENT);
}

interface ParsedPath {
  scope: string;
  kind: "roleAssignments" | "roleDefinitions";
  name?: string;
}

function parse(pathname: string): ParsedPath {
  const at = pathname.toLowerCase().lastIndexOf(SEGMENT);
  const scope = pathname.slice(0, at).replace(/\/+$/, "");
  const [kind, name, extra] = pathname
    .slice(at + SEGMENT.length)
    .split("/")
    .filter(Boolean)
    .map(decodeURIComponent);
  const known = ["roleAssignments", "roleDefinitions"].find((k) => k.toLowerCase() === kind?.toLowerCase()) as ParsedPath["kind"] | undefined;
  if (!known || extra !== undefined)
    throw new ArmError(404, "InvalidResourceType", `The resource type '${kind ?? ""}' could not be found in the namespace '${API_NAMESPACE}'.`);
  return { scope, kind: known, name };
}

function within(scope: string, outer: string): boolean {
  const s = scope.toLowerCase();
  const o = outer.toLowerCase();
  return s === o || s.startsWith(o + "/");
}

export class RoleAssignmentService {
  private readonly stored = new Map<string, RoleAssignmentWire>();

  constructor(
    private readonly directory: SandboxDirectory,
    private readonly store: ResourceStore,
  ) {}

  /** The caller's grants: the directory's, plus assignments stored here for its object ID. */
  effectiveApp(app: AppRegistration): AppRegistration {
    const extra: RoleAssignment[] = [];
    for (const assignment of this.stored.values()) {
      if (assignment.properties.principalId.toLowerCase() !== app.objectId.toLowerCase()) continue;
      const role = roleByDefinitionId(assignment.properties.roleDefinitionId);
      if (role) extra.push({ scope: assignment.properties.scope, role: role.roleName });
    }
    return extra.length ? { ...app, roleAssignments: [...app.roleAssignments, ...extra] } : app;
  }

  handle(req: SandboxRequest, app: AppRegistration): SandboxResponse {
    const path = parse(req.url.pathname);
    checkApiVersion(req.url.searchParams.get("api-version"), API_NAMESPACE, path.kind, "global");
    const subscriptionId = this.requireScope(path.scope);
    const caller = this.effectiveApp(app);
    if (path.kind === "roleDefinitions") {
      authorize(caller, "Microsoft.Authorization/roleDefinitions/read", path.scope);
      return this.definitions(req, subscriptionId, path.name);
    }
    const verb = req.method === "GET" ? "read" : req.method === "PUT" ? "write" : req.method === "DELETE" ? "delete" : undefined;
    if (!verb || (verb !== "read" && !path.name)) throw new ArmError(405, "MethodNotAllowed", `The requested method '${req.method}' is not allowed.`);
    authorize(caller, `Microsoft.Authorization/roleAssignments/${verb}`, path.scope);
    if (!path.name) return json(200, { value: this.list(path.scope, req.url.searchParams.get("$filter")) });
    const id = `${path.scope}/providers/Microsoft.Authorization/roleAssignments/${path.name}`;
    if (verb === "read") {
      const found = this.all().find((a) => a.id.toLowerCase() === id.toLowerCase());
      if (!found) throw new ArmError(404, "RoleAssignmentNotFound", `The role assignment '${path.name}' is not found.`);
      return json(200, found);
    }
    if (verb === "delete") {
      const found = this.stored.get(id.toLowerCase());
      if (!found) return { status: 204 };
      this.stored.delete(id.toLowerCase());
      return json(200, found);
    }
    return this.put(req, subscriptionId, path.scope, path.name, id, app);
  }

  /** Every assignment: stored ones and the directory's grants. */
  all(): RoleAssignmentWire[] {
    const fromDirectory: RoleAssignmentWire[] = [];
    for (const app of this.directory.apps.values()) {
      for (const grant of app.roleAssignments) {
        const role = roleByName(grant.role);
        if (!role) continue;
        const name = guidFrom(`${app.objectId}|${grant.scope.toLowerCase()}|${role.id}`);
        const subscriptionId = grant.scope.split("/")[2] ?? this.directory.subscriptionId;
        fromDirectory.push(
          wire(
            `${grant.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
            name,
            grant.scope,
            definitionIdAt(subscriptionId, role),
            app.objectId,
            "ServicePrincipal",
            "2024-01-01T00:00:00.0000000Z",
          ),
        );
      }
    }
    return [...fromDirectory, ...this.stored.values()];
  }

  private list(scope: string, filter: string | null): RoleAssignmentWire[] {
    const text = (filter ?? "").trim();
    const atScope = /atScope\(\)/i.test(text);
    const principal = /principalId\s+eq\s+'([^']+)'/i.exec(text)?.[1] ?? /assignedTo\('([^']+)'\)/i.exec(text)?.[1];
    const rest = text
      .replace(/atScope\(\)/i, "")
      .replace(/principalId\s+eq\s+'[^']+'/i, "")
      .replace(/assignedTo\('[^']+'\)/i, "")
      .replace(/\band\b/gi, "")
      .trim();
    if (rest)
      throw new ArmError(
        400,
        "UnsupportedQuery",
        `The filter '${text}' is not supported. Supported filters are atScope(), principalId eq '{id}' and assignedTo('{id}').`,
      );
    return this.all().filter((a) => {
      const above = within(scope, a.properties.scope);
      const below = within(a.properties.scope, scope);
      if (atScope ? !above : !above && !below) return false;
      return !principal || a.properties.principalId.toLowerCase() === principal.toLowerCase();
    });
  }

  private put(req: SandboxRequest, subscriptionId: string, scope: string, name: string, id: string, app: AppRegistration): SandboxResponse {
    if (!GUID.test(name))
      throw new ArmError(400, "InvalidRoleAssignmentId", `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
    const body = readProperties(req);
    const definitionId = typeof body.roleDefinitionId === "string" ? body.roleDefinitionId : "";
    const role = roleByDefinitionId(definitionId);
    if (!role)
      throw new ArmError(400, "RoleDefinitionDoesNotExist", `The specified role definition with ID '${definitionId.split("/").pop() ?? ""}' does not exist.`);
    const principalId = typeof body.principalId === "string" ? body.principalId : "";
    if (!GUID.test(principalId)) throw new ArmError(400, "InvalidPrincipalId", "A valid principal ID must be provided for role assignment.");
    const existing = this.stored.get(id.toLowerCase());
    if (existing) {
      if (existing.properties.principalId.toLowerCase() !== principalId.toLowerCase() || roleByDefinitionId(existing.properties.roleDefinitionId) !== role) {
        throw new ArmError(400, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
      }
      return json(200, existing);
    }
    const duplicate = this.all().find(
      (a) =>
        a.properties.scope.toLowerCase() === scope.toLowerCase() &&
        a.properties.principalId.toLowerCase() === principalId.toLowerCase() &&
        roleByDefinitionId(a.properties.roleDefinitionId) === role,
    );
    if (duplicate) throw new ArmError(409, "RoleAssignmentExists", "The role assignment already exists.");
    const principalType = typeof body.principalType === "string" ? body.principalType : "ServicePrincipal";
    const created = wire(id, name, scope, definitionIdAt(subscriptionId, role), principalId, principalType, new Date().toISOString(), app.objectId);
    if (typeof body.description === "string") created.properties.description = body.description;
    this.stored.set(id.toLowerCase(), created);
    return json(201, created);
  }

  private definitions(req: SandboxRequest, subscriptionId: string, name: string | undefined): SandboxResponse {
    if (req.method !== "GET")
      throw new ArmError(405, "MethodNotAllowed", "Only built-in role definitions exist in the sandbox; custom roles cannot be written.");
    if (name) {
      const role = roleByDefinitionId(name);
      if (!role) throw new ArmError(404, "RoleDefinitionDoesNotExist", `The specified role definition with ID '${name}' does not exist.`);
      return json(200, roleDefinitionView(subscriptionId, role));
    }
    const byName = /roleName\s+eq\s+'([^']+)'/i.exec(req.url.searchParams.get("$filter") ?? "")?.[1];
    return json(200, {
      value: BUILT_IN_ROLES.filter((r) => !byName || r.roleName.toLowerCase() === byName.toLowerCase()).map((r) => roleDefinitionView(subscriptionId, r)),
    });
  }

  /** Refuses a scope that does not exist; returns its subscription. */
  private requireScope(scope: string): string {
    const parts = scope.split("/");
    const subscriptionId = parts[2] ?? "";
    if (parts[1]?.toLowerCase() !== "subscriptions" || !this.directory.subscriptions.has(subscriptionId.toLowerCase())) {
      throw new ArmError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`);
    }
    if (parts.length > 3 && !this.store.getGroup(subscriptionId, parts[4] ?? ""))
      throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${parts[4] ?? ""}' could not be found.`);
    if (parts.length > 5 && !this.store.getResource(scope))
      throw new ArmError(404, "ResourceNotFound", `The Resource '${parts.slice(6).join("/")}' under resource group '${parts[4]}' was not found.`);
    return subscriptionId;
  }
}

function readProperties(req: SandboxRequest): Record<string, unknown> {
  let body: unknown;
  try {
    body = parseJsonBody(req);
  } catch (error) {
    throw new ArmError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: '${(error as Error).message}'.`);
  }
  const properties = body && typeof body === "object" ? (body as { properties?: unknown }).properties : undefined;
  return properties && typeof properties === "object" ? (properties as Record<string, unknown>) : {};
}

function wire(
  id: string,
  name: string,
  scope: string,
  roleDefinitionId: string,
  principalId: string,
  principalType: string,
  when: string,
  createdBy: string | null = null,
): RoleAssignmentWire {
  return {
    id,
    name,
    type: "Microsoft.Authorization/roleAssignments",
    properties: {
      roleDefinitionId,
      principalId,
      principalType,
      scope,
      condition: null,
      conditionVersion: null,
      description: null,
      createdOn: when,
      updatedOn: when,
      createdBy,
      updatedBy: createdBy,
      delegatedManagedIdentityResourceId: null,
    },
  };
}
