import assert from "node:assert/strict";
import { judgeTopology } from "../../../readiness/engine";
import type { ApplianceHopContext, CustomDnsContext } from "../../../readiness/path/types";
import { generateHubSpoke } from "../large-topology";

const FIREWALL = "/subscriptions/0c0c0c0c-2222-4333-8444-000000000200/resourceGroups/rg-large/providers/Microsoft.Network/azureFirewalls/fw-hub";

/** The path model's extension points, as the enterprise-hub work plugs into them: appliances and custom DNS chains. */
describe("path model extension points", () => {
  it("an appliance evaluator is asked about every flow routed through the hub, and its verdict names the hop", async () => {
    const { topology, options } = generateHubSpoke({ vnets: 3, nsgRules: 28 });
    const asked: ApplianceHopContext[] = [];
    const report = await judgeTopology(topology, {
      ...options,
      pathExtensions: {
        appliance: {
          evaluate(context) {
            asked.push(context);
            return context.target.port === 445
              ? {
                  kind: "appliance",
                  severity: "error",
                  reason: `firewall fw-hub (${context.applianceIp}) denies TCP 445`,
                  resourceId: FIREWALL,
                  fix: "Allow TCP 445 to the storage endpoint in the firewall policy.",
                }
              : undefined;
          },
        },
      },
    });
    // Spoke 2's cluster goes through the hub to spoke 1's endpoints; spoke 1's own cluster does not.
    assert.ok(asked.length > 0 && asked.every((c) => c.source.key === "cluster-2" && c.applianceIp === "10.0.0.4" && c.applianceVnetId.endsWith("/vnet-hub")));
    assert.deepEqual(
      report.findings.map((f) => [f.id, f.category, f.resourceId]),
      [["path.reach:cluster-2:pe-file", "route", FIREWALL]],
    );
    assert.match(
      report.findings[0].message,
      /^cluster-2 \(snet-training in vnet-spoke-2\) cannot reach pe-file 10\.1\.2\.\d+:445: firewall fw-hub \(10\.0\.0\.4\) denies TCP 445\.$/,
    );
  });

  it("a custom DNS resolver judges VNets with their own DNS servers instead of the conditional-forwarder warning", async () => {
    const { topology, options } = generateHubSpoke({ vnets: 3, nsgRules: 28 });
    const spoke2 = topology.vnets.values().find((v) => v.name === "vnet-spoke-2");
    if (!spoke2) throw new Error("no spoke 2");
    spoke2.dhcpOptions = { dnsServers: ["10.0.0.4"] };
    const withoutResolver = await judgeTopology(topology, options);
    assert.ok(withoutResolver.findings.length > 0 && withoutResolver.findings.every((f) => f.severity === "warning" && f.resourceId === spoke2.id));
    const asked: CustomDnsContext[] = [];
    const resolved = await judgeTopology(topology, { ...options, pathExtensions: { customDns: { resolve: (context) => (asked.push(context), []) } } });
    assert.deepEqual(resolved.findings, []);
    assert.ok(asked.length >= 6 && asked.every((c) => c.vnetId === spoke2.id && c.servers.join() === "10.0.0.4"));
  });
});
