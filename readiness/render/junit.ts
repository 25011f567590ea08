import { CATEGORIES, type Category, type CheckOutcome, type Finding, type ReadinessReport, type Severity } from "../finding";
import { shortResourceName } from "./common";

export interface JunitOptions {
  /** Name of the <testsuites> element; "amlvnet check" unless told. */
  name?: string;
  /** Measured durations (the task measures them); without them every time is "0". */
  timings?: JunitTimings;
}

/**
 * What was measured: reading the topology (its own test case), evaluating the configuration checks (offline, one
 * pass) and probing from the agent. A suite's time is its share of the phase that produced it; a case's time is its
 * suite's time over its cases (checks of one phase are not timed one by one).
 */
export interface JunitTimings {
  topologyMs: number;
  checksMs: number;
  probesMs: number;
}

interface TestCase {
  name: string;
  /** Findings that fail the case (error, warning). */
  failures: Finding[];
  /** Findings told in <system-out> only (info). */
  notes: Finding[];
}

const FAILING: ReadonlySet<Severity> = new Set<Severity>(["error", "warning"]);

/**
 * JUnit XML for Azure Pipelines' PublishTestResults: one <testsuite> per category (in the fixed category order),
 * one <testcase classname="amlvnet.<category>"> per check; error and warning findings are <failure>s, info
 * findings go to <system-out>. Findings no check refers to become test cases of their own, so none is lost.
 */
export function renderJunit(report: ReadinessReport, options: JunitOptions = {}): string {
  const byId = new Map(report.findings.map((finding) => [finding.id, finding]));
  const referenced = new Set(report.checks.flatMap((check) => check.findingIds));
  const suites = CATEGORIES.map((category) => ({
    category,
    cases: [
      ...report.checks.filter((check) => check.category === category).map((check) => caseForCheck(check, byId)),
      ...report.findings.filter((finding) => finding.category === category && !referenced.has(finding.id)).map(caseForFinding),
    ],
  })).filter((suite) => suite.cases.length > 0);

  const timings = options.timings;
  const total = suites.reduce((sum, suite) => sum + suite.cases.length, 0) + (timings ? 1 : 0);
  const failures = suites.reduce((sum, suite) => sum + countFailures(suite.cases), 0);
  const configCases = suites.filter((suite) => suite.category !== "probe").reduce((sum, suite) => sum + suite.cases.length, 0);
  const suiteMs = (category: Category, cases: number) =>
    !timings ? 0 : category === "probe" ? timings.probesMs : configCases ? (timings.checksMs * cases) / configCases : 0;
  const totalMs = timings ? timings.topologyMs + timings.checksMs + timings.probesMs : 0;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${attr(options.name ?? "amlvnet check")}" tests="${total}" failures="${failures}" errors="0" time="${seconds(totalMs)}">`,
  ];
  if (timings) {
    lines.push(`  <testsuite name="amlvnet.topology" tests="1" failures="0" errors="0" skipped="0" time="${seconds(timings.topologyMs)}">`);
    lines.push(`    <testcase classname="amlvnet.topology" name="read the topology around the workspace" time="${seconds(timings.topologyMs)}"/>`);
    lines.push(`  </testsuite>`);
  }
  for (const suite of suites) lines.push(...renderSuite(suite.category, suite.cases, suiteMs(suite.category, suite.cases.length)));
  lines.push(`</testsuites>`);
  return `${lines.join("\n")}\n`;
}

function caseForCheck(check: CheckOutcome, byId: Map<string, Finding>): TestCase {
  const findings = check.findingIds.map((id) => byId.get(id)).filter((finding): finding is Finding => finding !== undefined);
  return { name: check.title, failures: findings.filter((f) => FAILING.has(f.severity)), notes: findings.filter((f) => !FAILING.has(f.severity)) };
}

function caseForFinding(finding: Finding): TestCase {
  const failing = FAILING.has(finding.severity);
  return { name: finding.id, failures: failing ? [finding] : [], notes: failing ? [] : [finding] };
}

function countFailures(cases: TestCase[]): number {
  return cases.filter((testCase) => testCase.failures.length > 0).length;
}

function renderSuite(category: Category, cases: TestCase[], ms: number): string[] {
  const classname = `amlvnet.${category}`;
  const lines = [`  <testsuite name="${classname}" tests="${cases.length}" failures="${countFailures(cases)}" errors="0" skipped="0" time="${seconds(ms)}">`];
  for (const testCase of cases) {
    const open = `    <testcase classname="${classname}" name="${attr(testCase.name)}" time="${seconds(cases.length ? ms / cases.length : 0)}"`;
    if (testCase.failures.length === 0 && testCase.notes.length === 0) {
      lines.push(`${open}/>`);
      continue;
    }
    lines.push(`${open}>`);
    if (testCase.failures.length > 0) {
      const type = testCase.failures.some((finding) => finding.severity === "error") ? "error" : "warning";
      const message = testCase.failures.map((finding) => finding.message).join(" / ");
      lines.push(`      <failure message="${attr(message)}" type="${type}">${text(describe([...testCase.failures, ...testCase.notes]))}</failure>`);
    } else {
      lines.push(`      <system-out>${text(describe(testCase.notes))}</system-out>`);
    }
    lines.push(`    </testcase>`);
  }
  lines.push(`  </testsuite>`);
  return lines;
}

/** JUnit times are seconds; "0" when nothing was measured (the CLI's report). */
function seconds(ms: number): string {
  return ms > 0 ? (ms / 1000).toFixed(3) : "0";
}

/** Each finding as "[severity] message / resource / fix" lines, blank line between findings. */
function describe(findings: Finding[]): string {
  return findings
    .map((f) => [`[${f.severity}] ${f.message}`, `resource: ${shortResourceName(f.resourceId)} (${f.resourceId})`, `fix: ${f.fix}`, `id: ${f.id}`].join("\n"))
    .join("\n\n");
}

/** Drops characters XML 1.0 cannot carry (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
function xmlSafe(value: string): string {
  return value.replace(
    // eslint-disable-next-line no-control-regex -- matching the control characters XML forbids is the point
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "\uFFFD",
  );
}

/** Element content. */
function text(value: string): string {
  return xmlSafe(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Attribute value in double quotes; line breaks and tabs as character references so parsers keep them. */
function attr(value: string): string {
  return text(value).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}
