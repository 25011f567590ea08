import type { CheckOutcome, Finding, ReadinessReport, ReportSummary } from "../finding";

/** `$id` of readiness/render/report.schema.json, the documented shape of {@link renderJson}'s output. */
export const REPORT_SCHEMA_ID = "urn:amlvnet:schema:readiness-report:1";

/** The JSON document: every key always present (`agentVnetId` is null when unknown), keys in this order. */
export interface JsonReport {
  ready: boolean;
  workspaceId: string;
  agentVnetId: string | null;
  summary: ReportSummary;
  findings: Finding[];
  checks: CheckOutcome[];
}

/** Copies the report into {@link JsonReport} with a fixed key order at every level, whatever order the engine built. */
export function toJsonReport(report: ReadinessReport): JsonReport {
  const { errors, warnings, infos, checks, passed } = report.summary;
  return {
    ready: report.ready,
    workspaceId: report.workspaceId,
    agentVnetId: report.agentVnetId ?? null,
    summary: { errors, warnings, infos, checks, passed },
    findings: report.findings.map(({ id, category, severity, resourceId, message, fix }) => ({ id, category, severity, resourceId, message, fix })),
    checks: report.checks.map(({ id, category, title, resourceId, findingIds }) => ({ id, category, title, resourceId, findingIds: [...findingIds] })),
  };
}

/** The report as JSON, 2-space indent, ending with a newline; valid against report.schema.json. */
export function renderJson(report: ReadinessReport): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}
