import type { AppRegistration, RoleName } from "../directory";
import { ArmError } from "./arm-error";

/** Actions each built-in role grants ('*' matches any text), from the Azure built-in role definitions. */
const ROLE_ACTIONS: Record<RoleName, string[]> = {
  Owner: ["*"],
  Contributor: ["*"],
  Reader: ["*/read"],
  "Network Contributor": ["Microsoft.Network/*", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Insights/alertRules/*", "Microsoft.Resources/deployments/*"],
  "Private DNS Zone Contributor": ["Microsoft.Network/privateDnsZones/*", "Microsoft.Network/virtualNetworks/join/action", "Microsoft.Resources/subscriptions/resourceGroups/read"],
};

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
      ROLE_ACTIONS[assignment.role].some((pattern) => matches(pattern, action)),
  );
  if (!allowed) {
    throw new ArmError(403, "AuthorizationFailed", `The client '${app.clientId}' with object id '${app.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
  }
}

function matches(pattern: string, action: string): boolean {
  const regex = new RegExp("^" + pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*") + "$", "i");
  return regex.test(action);
}
