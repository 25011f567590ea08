import assert from "node:assert/strict";
import { renderJunit } from "../../../readiness/render/junit";
import { childrenNamed, parseXml, type XmlElement } from "./xml-tree";
import { readyReport, sampleReport } from "./sample-report";

describe("readiness/render/junit", () => {
  const root = parseXml(renderJunit(sampleReport()));
  const suites = childrenNamed(root, "testsuite");
  const suite = (name: string): XmlElement => suites.find((s) => s.attributes.name === name) as XmlElement;
  const cases = (name: string): XmlElement[] => childrenNamed(suite(name), "testcase");

  it("is well-formed XML with a <testsuites> root", () => {
    assert.equal(root.name, "testsuites");
    assert.equal(root.attributes.name, "amlvnet check");
  });

  it("has one <testsuite> per category with checks, in the fixed category order", () => {
    assert.deepEqual(
      suites.map((s) => s.attributes.name),
      ["amlvnet.subnet", "amlvnet.nsg", "amlvnet.dns", "amlvnet.peering", "amlvnet.workspace"],
    );
  });

  it("has counts in the attributes that match the test cases", () => {
    let total = 0;
    let failed = 0;
    for (const s of suites) {
      const testcases = childrenNamed(s, "testcase");
      const failures = testcases.filter((c) => childrenNamed(c, "failure").length > 0).length;
      assert.equal(s.attributes.tests, String(testcases.length), s.attributes.name);
      assert.equal(s.attributes.failures, String(failures), s.attributes.name);
      assert.equal(s.attributes.errors, "0");
      total += testcases.length;
      failed += failures;
    }
    assert.deepEqual([root.attributes.tests, root.attributes.failures], ["5", "2"]);
    assert.deepEqual([total, failed], [5, 2]);
  });

  it("names each case by check title with classname amlvnet.<category>", () => {
    const [dns] = cases("amlvnet.dns");
    assert.equal(dns.attributes.classname, "amlvnet.dns");
    assert.equal(dns.attributes.name, "privatelink.api.azureml.ms is linked to vnet-agents");
  });

  it("fails error and warning checks with message and fix, escaped and decoded back intact", () => {
    const [failure] = childrenNamed(cases("amlvnet.dns")[0], "failure");
    assert.equal(failure.attributes.type, "error");
    assert.equal(failure.attributes.message, sampleReport().findings[1].message);
    assert.ok(failure.text.includes('bypass "pe-ws"'));
    assert.ok(failure.text.includes("fix: az network private-dns link vnet create"));
    assert.ok(failure.text.includes('--query "[].name" | cat'), "second line of the fix is kept");
    const [warning] = childrenNamed(cases("amlvnet.nsg")[0], "failure");
    assert.equal(warning.attributes.type, "warning");
  });

  it("passes info-only checks and tells the finding in <system-out>", () => {
    const [info] = cases("amlvnet.workspace");
    assert.equal(info.attributes.name, "ws-prod <accepts> only private traffic");
    assert.equal(childrenNamed(info, "failure").length, 0);
    assert.match(childrenNamed(info, "system-out")[0].text, /^\[info\] Public network access is enabled/);
  });

  it("renders passed checks as empty test cases", () => {
    assert.deepEqual(cases("amlvnet.subnet")[0].children, []);
    assert.deepEqual(cases("amlvnet.peering")[0].children, []);
  });

  it("keeps line breaks in attributes and drops characters XML cannot carry", () => {
    const report = readyReport();
    report.findings = [{ id: "subnet.x", category: "subnet", severity: "error", resourceId: "r", message: "line one\nline two\u0007 & <b>", fix: "f" }];
    report.checks[0].findingIds = ["subnet.x"];
    const [failure] = childrenNamed(childrenNamed(childrenNamed(parseXml(renderJunit(report)), "testsuite")[0], "testcase")[0], "failure");
    assert.equal(failure.attributes.message, "line one\nline two\uFFFD & <b>");
  });

  it("turns a finding no check refers to into a test case of its own", () => {
    const report = readyReport();
    report.findings = [{ id: "route.orphan", category: "route", severity: "warning", resourceId: "r", message: "m", fix: "f" }];
    const route = childrenNamed(parseXml(renderJunit(report)), "testsuite").find((s) => s.attributes.name === "amlvnet.route") as XmlElement;
    assert.equal(childrenNamed(route, "testcase")[0].attributes.name, "route.orphan");
    assert.equal(route.attributes.failures, "1");
  });

  it("the test parser rejects malformed XML", () => {
    assert.throws(() => parseXml("<a><b></a>"), /unexpected close tag/);
    assert.throws(() => parseXml('<a x="1 & 2">y</a>'), /unexpected end/, "a bare & starts an entity that never ends");
    assert.throws(() => parseXml("<a>x</a><b/>"), /only one root/);
    assert.throws(() => parseXml("<a>\u0007</a>"), /disallowed character/);
  });
  it("carries measured durations when given: a timed topology case, the checks' time shared by their cases", () => {
    const timed = parseXml(renderJunit(sampleReport(), { timings: { topologyMs: 1234, checksMs: 50, probesMs: 0 } }));
    assert.equal(timed.attributes.time, "1.284");
    const [topology, ...rest] = childrenNamed(timed, "testsuite");
    assert.deepEqual([topology.attributes.name, childrenNamed(topology, "testcase")[0].attributes.time], ["amlvnet.topology", "1.234"]);
    const shared = rest.reduce((sum, s) => sum + Number(s.attributes.time), 0);
    assert.ok(Math.abs(shared - 0.05) < 0.005, String(shared));
    assert.equal(root.attributes.time, "0", "without timings (the CLI) nothing is invented");
  });
});
