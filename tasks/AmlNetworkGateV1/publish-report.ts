import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tl from "azure-pipelines-task-lib/task";
import type { ReadinessReport } from "../../readiness/finding";
import { verdictLine } from "../../readiness/render/common";
import { renderJson } from "../../readiness/render/json";
import { renderJunit } from "../../readiness/render/junit";
import { renderMarkdown } from "../../readiness/render/markdown";

/**
 * Shows the gate's result where Azure Pipelines users look: each finding as an issue with its fix, the Markdown
 * summary on the run's summary tab, each check as a test in the Tests tab, and the output variables.
 */
export function publishReport(report: ReadinessReport, directory: string): string {
  mkdirSync(directory, { recursive: true });
  for (const finding of report.findings) {
    const line = tl.loc("FindingLogged", finding.category, finding.message, finding.fix);
    if (finding.severity === "error") tl.error(line);
    else if (finding.severity === "warning") tl.warning(line);
    else console.log(line);
  }
  const reportPath = join(directory, "amlvnet-report.json");
  const summaryPath = join(directory, "amlvnet-summary.md");
  const junitPath = join(directory, "amlvnet-junit.xml");
  writeFileSync(reportPath, renderJson(report));
  writeFileSync(summaryPath, renderMarkdown(report));
  writeFileSync(junitPath, renderJunit(report, { name: "AML network gate" }));
  tl.uploadSummary(summaryPath);
  tl.command("results.publish", { type: "JUnit", mergeResults: "false", runTitle: "AML network gate", publishRunAttachments: "true", resultFiles: junitPath }, "");
  tl.setVariable("networkReady", String(report.ready), false, true);
  tl.setVariable("errorCount", String(report.summary.errors), false, true);
  tl.setVariable("warningCount", String(report.summary.warnings), false, true);
  tl.setVariable("reportPath", reportPath, false, true);
  console.log(tl.loc("ReportWritten", reportPath));
  const verdict = verdictLine(report);
  console.log(report.ready ? (report.summary.warnings ? tl.loc("GateWarnings", verdict) : tl.loc("GateReady", verdict)) : tl.loc("GateNotReady", verdict));
  return reportPath;
}
