import type { AppRegistration } from "../directory";
import { ArmError } from "./arm-error";
import { BuiltInRole, roleByName, roleGrants } from "./authorization/role-definitions";

/** The action ARM checks for a request, e.g. Microsoft.Network/virtualNetworks/subnets/write. */
export function actionFor(type: string, method: string): string {
  const verb = method === "GET" || method === "HEAD" ? "read" : method === "DELETE" ? "delete" : "write";
  return `${type}/${verb}`;
}

export function authorize(app: AppRegistration, action: string, scope: string): void {
  const lowerScope = scope.toLowerCase();
  const allowed = app.roleAssignments.some(
    (assignment) =>
      (lowerScope === assignment.scope.toLowerCase() || lowerScope.startsWith(assignment.scope.toLowerCase() + "/")) &&
      roleGrants(roleByName(assignment.role) as BuiltInRole, action),
  );
  if (!allowed) {
    throw new ArmError(
      403,
      "AuthorizationFailed",
      `The client '${app.clientId}' with object id '${app.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
}
