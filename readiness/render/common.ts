import { CATEGORIES, type Category, type Finding, type ReadinessReport, type Severity } from "../finding";

/** Headings for people, in the order of {@link CATEGORIES}. */
export const CATEGORY_TITLES: Record<Category, string> = {
  compute: "Computes",
  subnet: "Subnet",
  nsg: "Network security groups",
  route: "Routes",
  "private-endpoint": "Private endpoints",
  dns: "Private DNS",
  peering: "Peering",
  workspace: "Workspace",
  registry: "Container registry",
  inference: "Inference targets (AKS, online endpoints)",
  probe: "Probes from the agent",
};

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Findings by category in {@link CATEGORIES} order, each group errors first, then by id; empty groups left out. */
export function groupFindings(findings: readonly Finding[]): Array<{ category: Category; findings: Finding[] }> {
  return CATEGORIES.map((category) => ({
    category,
    findings: findings
      .filter((finding) => finding.category === category)
      .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || compareText(a.id, b.id)),
  })).filter((group) => group.findings.length > 0);
}

/** "NOT READY: 2 errors, 1 warning (31 checks, 28 passed)" or "READY: 0 errors, 0 warnings (31 checks passed)". */
export function verdictLine(report: ReadinessReport): string {
  const { errors, warnings, infos, checks, passed } = report.summary;
  const counts = [count(errors, "error"), count(warnings, "warning"), ...(infos > 0 ? [count(infos, "info")] : [])].join(", ");
  const tally = checks === passed ? `${count(checks, "check")} passed` : `${count(checks, "check")}, ${passed} passed`;
  return `${report.ready ? "READY" : "NOT READY"}: ${counts} (${tally})`;
}

/** "subnets/snet-agents" from a full ARM ID: the last type and name; the text itself when it is not an ARM ID. */
export function shortResourceName(resourceId: string): string {
  const parts = resourceId.split("/").filter(Boolean);
  const providers = parts.findIndex((part) => part.toLowerCase() === "providers");
  if (providers < 0 || parts.length < providers + 4) return parts[parts.length - 1] ?? resourceId;
  return `${parts[parts.length - 2]}/${parts[parts.length - 1]}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
