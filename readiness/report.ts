import type { CheckOutcome, FailOn, Finding, ReadinessReport } from "./finding";
import { blocks } from "./finding";

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function buildReport(input: {
  workspaceId: string;
  agentVnetId?: string;
  findings: Finding[];
  checks: CheckOutcome[];
  failOn: FailOn;
}): ReadinessReport {
  const findings = [...input.findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.category.localeCompare(b.category) || a.id.localeCompare(b.id),
  );
  const count = (severity: Finding["severity"]) => findings.filter((f) => f.severity === severity).length;
  return {
    ready: !findings.some((f) => blocks(f.severity, input.failOn)),
    workspaceId: input.workspaceId,
    ...(input.agentVnetId ? { agentVnetId: input.agentVnetId } : {}),
    findings,
    checks: input.checks,
    summary: {
      errors: count("error"),
      warnings: count("warning"),
      infos: count("info"),
      checks: input.checks.length,
      passed: input.checks.filter((c) => c.findingIds.length === 0).length,
    },
  };
}
