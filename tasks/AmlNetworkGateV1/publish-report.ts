import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tl from "azure-pipelines-task-lib/task";
import type { ReadinessReport } from "../../readiness/finding";
import { verdictLine } from "../../readiness/render/common";
import { renderJson } from "../../readiness/render/json";
import { JunitTimings, renderJunit } from "../../readiness/render/junit";
import { renderMarkdown } from "../../readiness/render/markdown";

/**
 * Where the report files go: Build.ArtifactStagingDirectory (kept after the task, for a publish step to pick up)
 * when the job has one, else Agent.TempDirectory (cleaned after the job: the files are also uploaded to the log).
 */
export function reportDirectory(): string {
  const staging = tl.getVariable("Build.ArtifactStagingDirectory");
  const base = staging ?? tl.getVariable("Agent.TempDirectory") ?? tl.getVariable("Agent.BuildDirectory") ?? process.cwd();
  const directory = join(base, "amlvnet", tl.getVariable("System.JobId") ?? "local");
  tl.debug(`report directory ${directory} (${staging ? "Build.ArtifactStagingDirectory" : "no staging directory"})`);
  return directory;
}

/**
 * Shows the gate's result where Azure Pipelines users look: each finding as an issue with its fix, the Markdown
 * summary on the run's summary tab, each check as a test in the Tests tab (with the measured durations), the JSON
 * report and the summary uploaded with the task's logs (they survive the job), and the output variables.
 */
export function publishReport(report: ReadinessReport, directory: string, timings?: JunitTimings): string {
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
  writeFileSync(junitPath, renderJunit(report, { name: tl.loc("TestRunTitle"), timings }));
  tl.uploadSummary(summaryPath);
  tl.uploadFile(reportPath);
  tl.uploadFile(summaryPath);
  new tl.TestPublisher("JUnit").publish([junitPath], "false", "", "", tl.loc("TestRunTitle"), "true");
  tl.setVariable("networkReady", String(report.ready), false, true);
  tl.setVariable("errorCount", String(report.summary.errors), false, true);
  tl.setVariable("warningCount", String(report.summary.warnings), false, true);
  tl.setVariable("reportPath", reportPath, false, true);
  console.log(tl.loc("ReportWritten", reportPath));
  const verdict = verdictLine(report);
  console.log(report.ready ? (report.summary.warnings ? tl.loc("GateWarnings", verdict) : tl.loc("GateReady", verdict)) : tl.loc("GateNotReady", verdict));
  return reportPath;
}
