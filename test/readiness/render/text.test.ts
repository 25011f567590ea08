import assert from "node:assert/strict";
import { renderText } from "../../../readiness/render/text";
import { readyReport, sampleReport } from "./sample-report";

describe("readiness/render/text", () => {
  const output = renderText(sampleReport());
  const lines = output.trimEnd().split("\n");

  it("ends with the one-line verdict", () => {
    assert.equal(lines[lines.length - 1], "NOT READY: 1 error, 1 warning, 1 info (5 checks, 2 passed)");
    assert.ok(output.endsWith("\n"));
  });

  it("says READY with every check passed", () => {
    const ready = renderText(readyReport()).trimEnd().split("\n");
    assert.equal(ready[ready.length - 1], "READY: 0 errors, 0 warnings (1 check passed)");
    assert.ok(ready.includes("No findings."));
  });

  it("puts category headings in the fixed order, whatever order the findings came in", () => {
    const headings = lines.filter((line) => /^\S.*\([a-z-]+\)$/.test(line));
    assert.deepEqual(headings, ["Network security groups (nsg)", "Private DNS (dns)", "Workspace (workspace)"]);
  });

  it("shows each finding with its marker, message, resource and indented fix", () => {
    const start = lines.indexOf("Private DNS (dns)");
    assert.match(lines[start + 1], /^ {2}ERROR {4}privatelink\.api\.azureml\.ms is not linked to vnet-agents \|/);
    assert.equal(lines[start + 2], "           resource: privateDnsZones/privatelink.api.azureml.ms");
    assert.match(lines[start + 3], /^ {21}\/subscriptions\/.*\/privateDnsZones\/privatelink\.api\.azureml\.ms$/);
    assert.match(lines[start + 4], /^ {11}fix: {6}az network private-dns link vnet create /);
    assert.match(lines[start + 5], /^ {21}az network private-dns link vnet list /, "second line of the fix stays under the first");
    assert.ok(lines.some((line) => line.startsWith("  WARNING  nsg-agents denies")));
    assert.ok(lines.some((line) => line.startsWith("  INFO     Public network access")));
  });

  it("has no ANSI codes unless color is asked for", () => {
    assert.ok(!output.includes("\u001b["));
    const colored = renderText(sampleReport(), { color: true });
    assert.ok(colored.includes("\u001b[31mERROR  \u001b[0m"));
    assert.ok(colored.includes("\u001b[1;31mNOT READY"));
  });
});
