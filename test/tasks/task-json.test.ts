import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const TASK_DIR = "tasks/AmlNetworkGateV1";
const task = JSON.parse(readFileSync(join(TASK_DIR, "task.json"), "utf8"));

describe("AmlNetworkGate@1 task.json", () => {
  it("defines every tl.loc key the task uses, and uses every message it defines", () => {
    const sources = readdirSync(TASK_DIR).filter((f) => f.endsWith(".ts")).map((f) => readFileSync(join(TASK_DIR, f), "utf8")).join("\n");
    const used = new Set([...sources.matchAll(/tl\.loc\("(\w+)"/g)].map((m) => m[1]));
    const defined = new Set(Object.keys(task.messages));
    assert.deepEqual([...used].filter((k) => !defined.has(k)), [], "keys used but not defined");
    assert.deepEqual([...defined].filter((k) => !used.has(k)), [], "messages defined but never used");
  });

  it("runs on Node20_1 and Node24 and declares its output variables", () => {
    assert.deepEqual(Object.keys(task.execution).sort(), ["Node20_1", "Node24"]);
    assert.deepEqual(task.outputVariables.map((v: { name: string }) => v.name).sort(), ["errorCount", "networkReady", "reportPath", "runId", "runStatus", "runUrl", "warningCount"]);
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
});
