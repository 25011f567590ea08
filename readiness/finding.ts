/** The readiness engine's output, read by every renderer (text, JSON, Markdown, JUnit) and by the pipeline task. */

export type Severity = "error" | "warning" | "info";

export const CATEGORIES = ["compute", "subnet", "nsg", "route", "private-endpoint", "dns", "peering", "workspace", "registry", "inference", "probe"] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Finding {
  /** Stable across runs for the same problem on the same resource, e.g. "dns.zone-not-linked:privatelink.api.azureml.ms:vnet-bastion". */
  id: string;
  category: Category;
  severity: Severity;
  /** ARM ID of the resource to change. */
  resourceId: string;
  message: string;
  /** A ready `az` command, or the exact property to set. */
  fix: string;
}

/** One requirement that was evaluated; it passed when it produced no finding. JUnit renders each as a test case. */
export interface CheckOutcome {
  /** Stable ID of the check, e.g. "dns.zone-linked:privatelink.api.azureml.ms:vnet-bastion". */
  id: string;
  category: Category;
  /** What was checked, for people: "privatelink.api.azureml.ms is linked to vnet-bastion". */
  title: string;
  resourceId: string;
  /** IDs of the findings this check raised (empty when it passed). */
  findingIds: string[];
}

export interface ReportSummary {
  errors: number;
  warnings: number;
  infos: number;
  checks: number;
  passed: number;
}

export interface ReadinessReport {
  ready: boolean;
  workspaceId: string;
  agentVnetId?: string;
  findings: Finding[];
  checks: CheckOutcome[];
  summary: ReportSummary;
}

export type FailOn = "error" | "warning" | "never";

/** Whether findings of this severity make the network "not ready" under `failOn`. */
export function blocks(severity: Severity, failOn: FailOn): boolean {
  if (failOn === "never") return false;
  if (failOn === "warning") return severity === "error" || severity === "warning";
  return severity === "error";
}
