import type { Category, CheckOutcome, Finding, Severity } from "../finding";

export interface Problem {
  severity: Severity;
  message: string;
  fix: string;
  /** Defaults to the check's resource. */
  resourceId?: string;
  /** Defaults to the check's category (a path check files its finding under the hop that breaks: nsg, peering...). */
  category?: Category;
}

export interface CheckSpec {
  id: string;
  category: Category;
  title: string;
  resourceId: string;
}

/** Collects check outcomes and their findings; a check with no problem passed. */
export class CheckRecorder {
  readonly findings: Finding[] = [];
  readonly checks: CheckOutcome[] = [];

  /** Adds outcomes built elsewhere (the probe step builds its own). */
  add(findings: Finding[], checks: CheckOutcome[]): void {
    this.findings.push(...findings);
    this.checks.push(...checks);
  }

  record(spec: CheckSpec, problems: Problem[] = []): void {
    const findingIds = problems.map((problem, index) => {
      const id = problems.length === 1 ? spec.id : `${spec.id}#${index + 1}`;
      this.findings.push({
        id,
        category: problem.category ?? spec.category,
        severity: problem.severity,
        resourceId: problem.resourceId ?? spec.resourceId,
        message: problem.message,
        fix: problem.fix,
      });
      return id;
    });
    this.checks.push({ ...spec, findingIds });
  }

  /** A check that failed for the same reason as an earlier one: it points at that finding instead of repeating it. */
  link(spec: CheckSpec, findingId: string): void {
    this.checks.push({ ...spec, findingIds: [findingId] });
  }
}
