import type { ReadinessReport, Severity } from "../finding";
import { CATEGORY_TITLES, groupFindings, shortResourceName, verdictLine } from "./common";

const SEVERITY_CELLS: Record<Severity, string> = { error: "🛑 error", warning: "⚠️ warning", info: "ℹ️ info" };

/**
 * The report for the Azure Pipelines summary tab (`##vso[task.uploadsummary]`): the verdict as a heading, a
 * table of findings, then the passed checks in a collapsed <details>. Ends with a newline.
 */
export function renderMarkdown(report: ReadinessReport): string {
  const lines = [`## ${report.ready ? "✅" : "❌"} ${escapeText(verdictLine(report))}`, ""];
  lines.push(`Workspace: ${codeSpan(report.workspaceId, false)}${report.agentVnetId ? `<br>Agent VNet: ${codeSpan(report.agentVnetId, false)}` : ""}`, "");

  const groups = groupFindings(report.findings);
  if (groups.length === 0) {
    lines.push("No findings.", "");
  } else {
    lines.push("| Severity | Category | Resource | Finding | Fix |", "| --- | --- | --- | --- | --- |");
    for (const { category, findings } of groups) {
      for (const finding of findings) {
        const short = shortResourceName(finding.resourceId);
        const resource = multiline(short === finding.resourceId ? [short] : [short, finding.resourceId], (line) => codeSpan(line));
        const cells = [
          SEVERITY_CELLS[finding.severity],
          escapeText(CATEGORY_TITLES[category]),
          resource,
          multiline(finding.message.split(/\r?\n/), escapeText),
          multiline(finding.fix.split(/\r?\n/), (line) => codeSpan(line)),
        ];
        lines.push(`| ${cells.join(" | ")} |`);
      }
    }
    lines.push("");
  }

  const passed = report.checks.filter((check) => check.findingIds.length === 0);
  if (passed.length > 0) {
    lines.push("<details>", `<summary>${passed.length} passed check${passed.length === 1 ? "" : "s"}</summary>`, "");
    lines.push(...passed.map((check) => `- ✅ ${escapeText(check.title)} ${codeSpan(check.id, false)}`));
    lines.push("", "</details>", "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** Plain text safe inside a table cell: Markdown and HTML punctuation escaped, line breaks as <br>. */
export function escapeText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|~#])/g, "\\$1")
    .replace(/\r?\n/g, "<br>");
}

/** An inline code span that survives any content: fence longer than any backtick run; pipes escaped inside tables. */
export function codeSpan(text: string, inTable = true): string {
  const flat = text.replace(/\r?\n/g, " ");
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${inTable ? flat.replace(/\|/g, "\\|") : flat}${pad}${fence}`;
}

function multiline(lines: string[], format: (line: string) => string): string {
  return lines
    .filter((line) => line.length > 0)
    .map(format)
    .join("<br>");
}
