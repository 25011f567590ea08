/** What a step did (apply, destroy) or would do (plan) to one resource. */
export type ChangeAction = "create" | "update" | "delete" | "no-op";

export interface Change {
  action: ChangeAction;
  /** Step that decided it, e.g. "peering". */
  step: string;
  /** Resource kind for people: "virtual network", "peering", "agent pool", ... */
  kind: string;
  /** Short name shown in the line. */
  name: string;
  /** ARM ID, or the Azure DevOps URL of a pool or agent. */
  id: string;
  /** Why, or what differs ("addressSpace 10.30.0.0/16", "tags differ", "already as desired"). */
  detail?: string;
}

const SYMBOL: Record<ChangeAction, string> = { create: "+", update: "~", delete: "-", "no-op": "=" };

export function changeLine(change: Change): string {
  const action = change.action.padEnd(6);
  return `${SYMBOL[change.action]} ${action} ${change.kind} ${change.name}${change.detail ? ` (${change.detail})` : ""}`;
}

export function summarize(changes: readonly Change[]): string {
  const count = (action: ChangeAction) => changes.filter((c) => c.action === action).length;
  return `${count("create")} to create, ${count("update")} to update, ${count("delete")} to delete, ${count("no-op")} unchanged`;
}
