import type { Permission } from "@azure/arm-authorization";
import type { RoleName } from "../../directory";

/**
 * Azure built-in role definitions the sandbox knows: IDs, actions and notActions as published in
 * learn.microsoft.com azure/role-based-access-control/built-in-roles (general: Owner, Contributor, Reader,
 * User Access Administrator; networking: Network Contributor, Private DNS Zone Contributor). Response shape from
 * azure-rest-api-specs specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/
 * examples/GetRoleDefinitionById.json (the SDK's RoleDefinition is flattened; the wire nests it in `properties`).
 */
export interface BuiltInRole {
  id: string;
  roleName: RoleName;
  description: string;
  actions: string[];
  notActions: string[];
}

export const BUILT_IN_ROLES: BuiltInRole[] = [
  {
    id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    roleName: "Owner",
    description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
    actions: ["*"],
    notActions: [],
  },
  {
    id: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    roleName: "Contributor",
    description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
    actions: ["*"],
    notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"],
  },
  {
    id: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    roleName: "Reader",
    description: "View all resources, but does not allow you to make any changes.",
    actions: ["*/read"],
    notActions: [],
  },
  {
    id: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    roleName: "User Access Administrator",
    description: "Lets you manage user access to Azure resources.",
    actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
    notActions: [],
  },
  {
    id: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    roleName: "Network Contributor",
    description: "Lets you manage networks, but not access to them.",
    actions: [
      "Microsoft.Authorization/*/read",
      "Microsoft.Insights/alertRules/*",
      "Microsoft.Network/*",
      "Microsoft.ResourceHealth/availabilityStatuses/read",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Support/*",
    ],
    notActions: [],
  },
  {
    id: "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
    roleName: "Private DNS Zone Contributor",
    description: "Lets you manage private DNS zone resources, but not the virtual networks they are linked to.",
    actions: [
      "Microsoft.Authorization/*/read",
      "Microsoft.Insights/alertRules/*",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Support/*",
      "Microsoft.Network/privateDnsZones/*",
      "Microsoft.Network/privateDnsOperationResults/*",
      "Microsoft.Network/privateDnsOperationStatuses/*",
      "Microsoft.Network/virtualNetworks/read",
      "Microsoft.Network/virtualNetworks/join/action",
    ],
    notActions: [],
  },
];

export function roleByName(name: string): BuiltInRole | undefined {
  return BUILT_IN_ROLES.find((r) => r.roleName.toLowerCase() === name.toLowerCase());
}

/** The role a roleDefinitionId names, in any of its forms (/subscriptions/{s}/providers/..., /providers/..., bare GUID). */
export function roleByDefinitionId(definitionId: string): BuiltInRole | undefined {
  const guid = definitionId.split("/").pop()?.toLowerCase();
  return BUILT_IN_ROLES.find((r) => r.id === guid);
}

export function definitionIdAt(subscriptionId: string, role: BuiltInRole): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`;
}

export interface RoleDefinitionWire {
  id: string;
  name: string;
  type: "Microsoft.Authorization/roleDefinitions";
  properties: { roleName: string; type: "BuiltInRole"; description: string; assignableScopes: string[]; permissions: Permission[] };
}

export function roleDefinitionView(subscriptionId: string, role: BuiltInRole): RoleDefinitionWire {
  return {
    id: definitionIdAt(subscriptionId, role),
    name: role.id,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: role.roleName,
      type: "BuiltInRole",
      description: role.description,
      assignableScopes: ["/"],
      permissions: [{ actions: role.actions, notActions: role.notActions, dataActions: [], notDataActions: [] }],
    },
  };
}

/** Whether the role grants `action` ('*' in a pattern matches any text; ARM compares actions case-insensitively). */
export function roleGrants(role: BuiltInRole, action: string): boolean {
  return role.actions.some((p) => matches(p, action)) && !role.notActions.some((p) => matches(p, action));
}

function matches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    "^" +
      pattern
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
        .join(".*") +
      "$",
    "i",
  );
  return regex.test(action);
}
