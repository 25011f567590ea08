import type { ReadinessReport, Severity } from "../finding";
import { CATEGORY_TITLES, groupFindings, shortResourceName, verdictLine } from "./common";

export interface TextOptions {
  /** ANSI colors; off unless asked for (logs and files stay plain). */
  color?: boolean;
}

const MARKERS: Record<Severity, string> = { error: "ERROR", warning: "WARNING", info: "INFO" };
const MARKER_WIDTH = 7;
const INDENT = " ".repeat(2 + MARKER_WIDTH + 2);
const LABEL_WIDTH = 10;

type Paint = (text: string, code: string) => string;

/**
 * The report for people: findings grouped under category headings (fixed order), each with its severity,
 * message, resource and fix, then the one-line verdict. Ends with a newline.
 */
export function renderText(report: ReadinessReport, options: TextOptions = {}): string {
  const paint: Paint = options.color ? (text, code) => `\u001b[${code}m${text}\u001b[0m` : (text) => text;
  const colors: Record<Severity, string> = { error: "31", warning: "33", info: "36" };
  const lines: string[] = [paint("amlvnet check", "1"), `  workspace:  ${report.workspaceId}`];
  if (report.agentVnetId) lines.push(`  agent VNet: ${report.agentVnetId}`);
  lines.push("");

  const groups = groupFindings(report.findings);
  if (groups.length === 0) lines.push("No findings.", "");
  for (const group of groups) {
    lines.push(paint(`${CATEGORY_TITLES[group.category]} (${group.category})`, "1"));
    for (const finding of group.findings) {
      const marker = paint(MARKERS[finding.severity].padEnd(MARKER_WIDTH), colors[finding.severity]);
      const [first, ...rest] = finding.message.split(/\r?\n/);
      lines.push(`  ${marker}  ${first}`, ...rest.map((line) => INDENT + line));
      lines.push(
        ...labelled("resource:", [
          shortResourceName(finding.resourceId),
          ...(finding.resourceId !== shortResourceName(finding.resourceId) ? [finding.resourceId] : []),
        ]),
      );
      lines.push(...labelled("fix:", finding.fix.split(/\r?\n/)));
      lines.push(...labelled("id:", [finding.id]));
    }
    lines.push("");
  }
  lines.push(paint(verdictLine(report), report.ready ? "1;32" : "1;31"));
  return `${lines.join("\n")}\n`;
}

/** "resource: name" with further lines aligned under the value. */
function labelled(label: string, values: string[]): string[] {
  return values.map((value, index) => `${INDENT}${(index === 0 ? label : "").padEnd(LABEL_WIDTH)}${value}`);
}
