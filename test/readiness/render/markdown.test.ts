import assert from "node:assert/strict";
import { codeSpan, escapeText, renderMarkdown } from "../../../readiness/render/markdown";
import { readyReport, sampleReport } from "./sample-report";

/** Splits a GFM table row into cells the way GFM does: on pipes not preceded by a backslash. */
function cells(row: string): string[] {
  const out: string[] = [];
  let current = "";
  for (let i = 1; i < row.length - 1; i++) {
    if (row[i] === "\\" && row[i + 1] === "|") {
      current += "\\|";
      i++;
    } else if (row[i] === "|") {
      out.push(current.trim());
      current = "";
    } else {
      current += row[i];
    }
  }
  out.push(current.trim());
  return out;
}

describe("readiness/render/markdown", () => {
  const output = renderMarkdown(sampleReport());
  const lines = output.split("\n");

  it("starts with the verdict as a heading", () => {
    assert.equal(lines[0], "## ❌ NOT READY: 1 error, 1 warning, 1 info (5 checks, 2 passed)");
    assert.match(renderMarkdown(readyReport()), /^## ✅ READY: 0 errors, 0 warnings \(1 check passed\)\n/);
  });

  it("has a five-column table, one row per finding, in the fixed category order, errors first within a category", () => {
    const header = lines.indexOf("| Severity | Category | Resource | Finding | Fix |");
    assert.ok(header > 0);
    assert.equal(lines[header + 1], "| --- | --- | --- | --- | --- |");
    const rows = lines.slice(header + 2, lines.indexOf("", header));
    assert.equal(rows.length, 3);
    assert.ok(
      rows.every((row) => cells(row).length === 5),
      rows.join("\n"),
    );
    assert.deepEqual(
      rows.map((row) => cells(row).slice(0, 2)),
      [
        ["⚠️ warning", "Network security groups"],
        ["🛑 error", "Private DNS"],
        ["ℹ️ info", "Workspace"],
      ],
    );
  });

  it("escapes pipes, newlines and HTML in cells, and puts fixes in code", () => {
    const dnsRow = cells(lines.find((line) => line.includes("Private DNS")) as string);
    assert.ok(dnsRow[3].includes("vnet-agents \\| the agents resolve &lt;guid&gt;.workspace"), dnsRow[3]);
    assert.ok(dnsRow[3].includes("&amp; bypass"));
    assert.match(dnsRow[4], /^`az network private-dns link vnet create .*`<br>`az network private-dns link vnet list .* \\\| cat`$/);
    assert.match(dnsRow[2], /^`privateDnsZones\/privatelink\.api\.azureml\.ms`<br>`\/subscriptions\//);
  });

  it("lists passed checks in a collapsed <details>", () => {
    const start = lines.indexOf("<details>");
    assert.equal(lines[start + 1], "<summary>2 passed checks</summary>");
    assert.equal(lines[start + 2], "", "a blank line so the list renders as Markdown");
    assert.deepEqual(lines.slice(start + 3, start + 5), [
      "- ✅ snet-agents is not delegated `subnet.not-delegated:snet-agents`",
      "- ✅ vnet-agents is peered with vnet-aml (Connected) `peering.connected:vnet-agents:vnet-aml`",
    ]);
    assert.ok(lines.includes("</details>"));
  });

  it("says 'No findings.' and has no table when there is nothing to fix", () => {
    const ready = renderMarkdown(readyReport());
    assert.ok(ready.includes("\nNo findings.\n"));
    assert.ok(!ready.includes("| Severity |"));
  });

  it("escapes Markdown emphasis and survives backticks in code", () => {
    assert.equal(escapeText("*.instances.azureml.ms_x [a]"), "\\*.instances.azureml.ms\\_x \\[a\\]");
    assert.equal(codeSpan("echo `hostname`"), "`` echo `hostname` ``");
    assert.equal(codeSpan("a|b"), "`a\\|b`");
    assert.equal(codeSpan("a|b", false), "`a|b`");
  });
});
