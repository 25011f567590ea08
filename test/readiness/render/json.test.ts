import assert from "node:assert/strict";
import Ajv2020 from "ajv/dist/2020";
import { CATEGORIES } from "../../../readiness/finding";
import { REPORT_SCHEMA_ID, renderJson } from "../../../readiness/render/json";
import schemaJson from "../../../readiness/render/report.schema.json";
import { readyReport, sampleReport } from "./sample-report";

const schema = schemaJson as { $schema: string; $id: string; $defs: Record<string, { enum?: unknown[] }> };

/** Ajv in strict mode: a keyword it does not know fails the compile, so nothing in the schema goes unchecked. */
const validator = new Ajv2020({ allErrors: true, strict: true }).compile(schemaJson);

/** Each error as "<JSON pointer> <keyword> <detail>", or none. */
function validate(value: unknown): string[] {
  if (validator(value)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.keyword} ${JSON.stringify(e.params)}`);
}

describe("readiness/render/json", () => {
  it("is a draft 2020-12 schema this test can fully check", () => {
    assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
    assert.equal(schema.$id, REPORT_SCHEMA_ID);
    assert.doesNotThrow(() => new Ajv2020({ strict: true }).compile(schemaJson));
  });

  it("lists exactly the categories and severities of finding.ts", () => {
    assert.deepEqual(schema.$defs.category.enum, [...CATEGORIES]);
    assert.deepEqual(schema.$defs.severity.enum, ["error", "warning", "info"]);
  });

  it("renders a report that validates against the schema", () => {
    assert.deepEqual(validate(JSON.parse(renderJson(sampleReport()))), []);
  });

  it("renders agentVnetId as null when the report has none, still valid", () => {
    const parsed = JSON.parse(renderJson(readyReport())) as Record<string, unknown>;
    assert.equal(parsed.agentVnetId, null);
    assert.deepEqual(validate(parsed), []);
  });

  it("keeps a stable key order at every level, whatever order the report was built in", () => {
    const report = sampleReport();
    const shuffled = {
      checks: report.checks.map(({ findingIds, title, resourceId, category, id }) => ({ findingIds, title, resourceId, category, id })),
      summary: { passed: 2, checks: 5, infos: 1, warnings: 1, errors: 1 },
      findings: report.findings.map(({ fix, message, resourceId, severity, category, id }) => ({ fix, message, resourceId, severity, category, id })),
      agentVnetId: report.agentVnetId,
      workspaceId: report.workspaceId,
      ready: report.ready,
    };
    const output = renderJson(shuffled);
    assert.equal(output, renderJson(report));
    const parsed = JSON.parse(output) as { findings: object[]; checks: object[]; summary: object };
    assert.deepEqual(Object.keys(parsed), ["ready", "workspaceId", "agentVnetId", "summary", "findings", "checks"]);
    assert.deepEqual(Object.keys(parsed.summary), ["errors", "warnings", "infos", "checks", "passed"]);
    assert.deepEqual(Object.keys(parsed.findings[0]), ["id", "category", "severity", "resourceId", "message", "fix"]);
    assert.deepEqual(Object.keys(parsed.checks[0]), ["id", "category", "title", "resourceId", "findingIds"]);
  });

  it("indents with two spaces and ends with a newline", () => {
    const output = renderJson(sampleReport());
    assert.ok(output.startsWith('{\n  "ready": false,\n  "workspaceId": '));
    assert.ok(output.endsWith("}\n"));
  });

  it("the schema rejects what the report must not contain", () => {
    const bad = JSON.parse(renderJson(sampleReport())) as { findings: Array<Record<string, unknown>>; summary: Record<string, unknown>; extra?: boolean };
    bad.findings[0].severity = "fatal";
    delete bad.findings[1].fix;
    bad.summary.errors = -1;
    bad.extra = true;
    const errors = validate(bad);
    assert.equal(errors.length, 4, errors.join("\n"));
    assert.ok(
      errors.some((error) => error.startsWith("/findings/0/severity enum")),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((error) => error.startsWith('/findings/1 required {"missingProperty":"fix"}')),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((error) => error.startsWith("/summary/errors minimum")),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((error) => error.startsWith('/ additionalProperties {"additionalProperty":"extra"}')),
      errors.join("\n"),
    );
  });
});
