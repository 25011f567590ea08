import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";

const TASK_DIR = "tasks/AmlNetworkGateV1";
const task = JSON.parse(readFileSync(join(TASK_DIR, "task.json"), "utf8"));

/**
 * Microsoft's task manifest schema (test/fixtures/schemas/SOURCE.md). It is draft-04; Ajv 8 reads the keywords it
 * uses (type, properties, required, pattern, enum, anyOf, local $ref) the same way. Two adjustments: its top-level
 * `id` is `$id` now, and its patterns (`\:`) are invalid under the `u` flag Ajv uses by default.
 */
function taskSchemaValidator() {
  const {
    id,
    $schema: _draft04,
    ...schema
  } = JSON.parse(readFileSync(join("test", "fixtures", "schemas", "tasks.schema.json"), "utf8")) as Record<string, unknown>;
  return new Ajv({ strict: false, validateSchema: false, allErrors: true, unicodeRegExp: false }).compile({ $id: id as string, ...schema });
}

describe("AmlNetworkGate@1 task.json", () => {
  it("defines every tl.loc key the task uses, and uses every message it defines", () => {
    const sources = readdirSync(TASK_DIR)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => readFileSync(join(TASK_DIR, f), "utf8"))
      .join("\n");
    const used = new Set([...sources.matchAll(/tl\.loc\("(\w+)"/g)].map((m) => m[1]));
    const defined = new Set(Object.keys(task.messages));
    assert.deepEqual(
      [...used].filter((k) => !defined.has(k)),
      [],
      "keys used but not defined",
    );
    assert.deepEqual(
      [...defined].filter((k) => !used.has(k)),
      [],
      "messages defined but never used",
    );
  });

  it("passes every user-facing string through tl.loc: no pass-through messages, no literal text in results, logs or errors", () => {
    assert.deepEqual(
      Object.entries(task.messages)
        .filter(([, text]) => /^\s*%s\s*$/.test(String(text)))
        .map(([key]) => key),
      [],
      "messages that only pass text through",
    );
    for (const file of readdirSync(TASK_DIR).filter((f) => f.endsWith(".ts"))) {
      const source = readFileSync(join(TASK_DIR, file), "utf8");
      const literal = [
        ...source.matchAll(/(?:console\.log|tl\.setResult\([^,]+,|tl\.(?:error|warning)|new (?:InputError|ServiceConnectionError|TriggerError))\(?\s*[`"']/g),
      ].map((m) => m[0]);
      assert.deepEqual(literal, [], `${file} hands literal text to the user`);
    }
  });

  it("restricts the variables it may set to its outputs (not commands), and links its help and release notes", () => {
    assert.deepEqual(
      task.restrictions?.settableVariables?.allowed,
      task.outputVariables.map((v: { name: string }) => v.name),
    );
    assert.equal(task.restrictions?.commands, undefined, "commands.mode restricted would block the summary and test publishing");
    assert.match(task.helpUrl, /^https:\/\//);
    assert.ok(typeof task.releaseNotes === "string" && task.releaseNotes.length > 20);
  });

  it("runs on Node20_1 and Node24 and declares its output variables", () => {
    assert.deepEqual(Object.keys(task.execution).sort(), ["Node20_1", "Node24"]);
    assert.deepEqual(task.outputVariables.map((v: { name: string }) => v.name).sort(), [
      "errorCount",
      "networkReady",
      "reportPath",
      "runId",
      "runStatus",
      "runUrl",
      "warningCount",
    ]);
  });

  it("gives every input a label, help and a group, and only refers to real inputs in visibility rules", () => {
    const names = new Set(task.inputs.map((i: { name: string }) => i.name));
    const groups = new Set(task.groups.map((g: { name: string }) => g.name));
    for (const input of task.inputs) {
      assert.ok(input.label && input.helpMarkDown && groups.has(input.groupName), `input ${input.name}`);
      for (const ref of (input.visibleRule ?? "").split(/\s*(?:&&|\|\|)\s*/).filter(Boolean)) {
        assert.ok(names.has(ref.split(/\s*(?:!=|=)\s*/)[0]), `visibleRule of ${input.name} refers to ${ref}`);
      }
    }
    assert.equal(task.inputs.find((i: { name: string }) => i.name === "azureSubscription").type, "connectedService:AzureRM");
  });

  it("is valid against Microsoft's task manifest schema", () => {
    const validate = taskSchemaValidator();
    assert.equal(validate(task), true, JSON.stringify(validate.errors, null, 2));
  });

  it("the schema check catches what the agent would refuse (so it cannot pass vacuously)", () => {
    const validate = taskSchemaValidator();
    const broken = [
      { ...task, id: "not-a-guid" },
      { ...task, execution: { Node12_7: { target: "index.js" } } },
      { ...task, inputs: [...task.inputs, { name: "bad name", label: "x", type: "string" }] },
      { ...task, version: { Major: 1, Minor: 0 } },
    ];
    for (const manifest of broken) assert.equal(validate(manifest), false, JSON.stringify(manifest).slice(0, 80));
  });
});
