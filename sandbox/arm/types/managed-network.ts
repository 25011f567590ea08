/**
 * A workspace's managed network, as ML 2024-10-01 serves it (specification/machinelearningservices/.../stable/
 * 2024-10-01: ManagedNetworkSettings, OutboundRule; examples ManagedNetwork/getRule.json, listRule.json):
 * `isolationMode` Disabled | AllowInternetOutbound | AllowOnlyApprovedOutbound; `outboundRules` keyed by name, each
 * `{type: FQDN | PrivateEndpoint | ServiceTag, category: Required | Recommended | UserDefined | Dependency, status:
 * Inactive | Active, destination}`; a read-only `status`. Refusals: an unknown mode or rule type (400 UserError), and
 * leaving managed isolation once enabled (learn: how-to-managed-network, "you can't disable it" / AllowOnlyApproved
 * cannot go back to AllowInternetOutbound). The exact error code of those two refusals is not published: UserError.
 */
import { userError } from "./ml-user-error";

const MODES = ["Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"] as const;
type IsolationMode = (typeof MODES)[number];
const RULE_TYPES = ["FQDN", "PrivateEndpoint", "ServiceTag"] as const;
const CATEGORIES = ["Required", "Recommended", "UserDefined", "Dependency"] as const;

export interface OutboundRule {
  type: (typeof RULE_TYPES)[number];
  category: (typeof CATEGORIES)[number];
  status: "Inactive" | "Active";
  destination?: unknown;
}

export interface ManagedNetworkSettings {
  isolationMode: IsolationMode;
  outboundRules: Record<string, OutboundRule>;
  status: { status: "Inactive" | "Active"; sparkReady: boolean };
  networkId?: string;
  firewallSku?: string;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  const found = allowed.find((a) => typeof value === "string" && a.toLowerCase() === value.toLowerCase());
  if (!found) throw userError(`${what} '${String(value)}' is not valid; expected one of ${allowed.join(", ")}.`);
  return found;
}

function rule(name: string, input: unknown, active: boolean): OutboundRule {
  const body = asRecord(input);
  if (!body) throw userError(`Outbound rule '${name}' must be an object with a type and a destination.`);
  const type = oneOf(body.type, RULE_TYPES, `Outbound rule '${name}' type`);
  if (body.destination === undefined || body.destination === "") throw userError(`Outbound rule '${name}' of type ${type} needs a destination.`);
  return {
    type,
    category: body.category === undefined ? "UserDefined" : oneOf(body.category, CATEGORIES, `Outbound rule '${name}' category`),
    status: active ? "Active" : "Inactive",
    destination: body.destination,
  };
}

/** The managedNetwork the workspace stores after a PUT of `input` over `existing` (absent = Disabled). */
export function managedNetworkOf(
  input: unknown,
  existing: ManagedNetworkSettings | undefined,
  workspaceId: string,
  guid: (seed: string) => string,
): ManagedNetworkSettings {
  const body = asRecord(input) ?? {};
  const mode = body.isolationMode === undefined ? (existing?.isolationMode ?? "Disabled") : oneOf(body.isolationMode, MODES, "managedNetwork.isolationMode");
  const before = existing?.isolationMode ?? "Disabled";
  if (before !== "Disabled" && mode === "Disabled")
    throw userError(`Workspace ${workspaceId} has a managed network (${before}); managed network isolation cannot be disabled once enabled.`);
  if (before === "AllowOnlyApprovedOutbound" && mode === "AllowInternetOutbound")
    throw userError(`Workspace ${workspaceId} allows only approved outbound traffic; it cannot change back to AllowInternetOutbound.`);
  const active = mode !== "Disabled";
  const rules = asRecord(body.outboundRules) ?? existing?.outboundRules ?? {};
  const outboundRules = Object.fromEntries(Object.entries(rules).map(([name, r]) => [name, rule(name, r, active)]));
  return {
    isolationMode: mode,
    outboundRules,
    status: { status: active ? "Active" : "Inactive", sparkReady: false },
    ...(active ? { networkId: guid(`${workspaceId.toLowerCase()}managedNetwork`) } : {}),
    ...(typeof body.firewallSku === "string" ? { firewallSku: body.firewallSku } : existing?.firewallSku ? { firewallSku: existing.firewallSku } : {}),
  };
}
