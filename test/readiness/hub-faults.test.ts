import assert from "node:assert/strict";
import { landingZoneFaults, SOURCES, NET } from "./hub-fixture";

/**
 * Faults planted with raw ARM PUTs on the landing zone (sandbox/scenarios/hub-spoke.ts): an Azure Firewall whose
 * policy blocks or misses AML flows, a parent policy, an appliance that is not a firewall. Each fault is an error
 * naming the resource at fault (a warning where the check cannot see); each ready look-alike gives no error.
 */
describe("readiness engine: the landing zone's firewall, planted faults and look-alikes", () => {
  const planted = landingZoneFaults();
  const { check, put, get, errors, filter, setGroup, amlRules, assertNoErrors, flowId } = planted;

  it("service tag: a policy without the Storage rule blocks the three storage flows; the fix's rule lets them through", async () => {
    setGroup([filter("aml-compute-outbound", 200, "Allow", amlRules(["storage"]))]);
    const report = await check();
    assert.equal(report.ready, false);
    const found = errors(report);
    assert.deepEqual(
      found.map((f) => f.id).sort(),
      ["blob.core.windows.net-tcp-443", "queue.core.windows.net-tcp-443", "table.core.windows.net-tcp-443"].map(flowId),
    );
    for (const f of found) {
      assert.equal(f.category, "route");
      assert.equal(f.resourceId, planted.ids.hub.firewallPolicyId);
      assert.match(
        f.message,
        /Azure Firewall afw-hub \(10\.0\.1\.4, the next hop of 0\.0\.0\.0\/0 in route table rt-aml-to-hub\) blocks TCP 443 to Storage\.westeurope .*no rule of policy afwp-hub allows it/,
      );
      assert.match(
        f.fix,
        /^az network firewall policy rule-collection-group collection add-filter-collection --subscription 0b0b0b0b-1111-4222-8333-0000000000a1 --resource-group rg-hub-network --policy-name afwp-hub --rcg-name rcg-aml --name Allow-AML-\S+ --collection-priority 210 --action Allow --rule-type NetworkRule .*--destination-addresses Storage\.westeurope --destination-ports 443 --ip-protocols TCP$/,
      );
    }
    // What the fix adds, through ARM: one allow collection after the existing one.
    const fixRule = {
      ruleType: "NetworkRule",
      name: "storage",
      ipProtocols: ["TCP"],
      sourceAddresses: ["10.10.1.0/24"],
      destinationAddresses: ["Storage.westeurope"],
      destinationPorts: ["443"],
    };
    setGroup([filter("aml-compute-outbound", 200, "Allow", amlRules(["storage"])), filter("Allow-AML-storage", 210, "Allow", [fixRule])]);
    await assertNoErrors();
  });

  it("FQDN: application rules judge host names (wildcards included); a missing graph.windows.net is named, an allowed one is not", async () => {
    const app = (name: string, fqdns: string[]) => ({
      ruleType: "ApplicationRule",
      name,
      sourceAddresses: SOURCES,
      protocols: [
        { protocolType: "Https", port: 443 },
        { protocolType: "Https", port: 18881 },
      ],
      targetFqdns: fqdns,
    });
    const hosts = [
      "login.microsoftonline.com",
      "*.instances.azureml.ms",
      "*.westeurope.batch.azure.com",
      "*.batch.azure.com",
      "management.azure.com",
      "*.core.windows.net",
      "mcr.microsoft.com",
      "*.data.mcr.microsoft.com",
      "ml.azure.com",
    ];
    const udp = amlRules().filter((r) => r.name === "aml-udp");
    setGroup([filter("aml-udp", 200, "Allow", udp), filter("aml-hosts", 300, "Allow", [app("aml-hosts", hosts)])]);
    const found = errors(await check());
    assert.deepEqual(
      found.map((f) => f.id),
      [flowId("graph.windows.net-tcp-443")],
    );
    assert.match(found[0].message, /TCP 443 to AzureActiveDirectory \(graph\.windows\.net; .*no rule of policy afwp-hub allows it/);
    setGroup([filter("aml-udp", 200, "Allow", udp), filter("aml-hosts", 300, "Allow", [app("aml-hosts", [...hosts, "graph.windows.net"])])]);
    await assertNoErrors();
  });

  it("UDP 5831: only a network rule can allow it; an application rule for the tundra host does not", async () => {
    const tundra = {
      ruleType: "ApplicationRule",
      name: "tundra",
      sourceAddresses: SOURCES,
      protocols: [{ protocolType: "Https", port: 5831 }],
      targetFqdns: ["westeurope.tundra.azureml.ms"],
    };
    setGroup([filter("aml-compute-outbound", 200, "Allow", amlRules(["aml-udp"])), filter("tundra-app", 300, "Allow", [tundra])]);
    const found = errors(await check());
    assert.deepEqual(
      found.map((f) => f.id),
      [flowId("westeurope.tundra.azureml.ms-udp-5831")],
    );
    assert.match(found[0].fix, /--destination-addresses AzureMachineLearning --destination-ports 5831 --ip-protocols UDP$/);
    const fqdnRule = {
      ruleType: "NetworkRule",
      name: "tundra-udp",
      ipProtocols: ["UDP"],
      sourceAddresses: SOURCES,
      destinationFqdns: ["westeurope.tundra.azureml.ms"],
      destinationPorts: ["5831"],
    };
    setGroup([filter("aml-compute-outbound", 200, "Allow", amlRules(["aml-udp"])), filter("tundra-net", 300, "Allow", [fqdnRule])]);
    await assertNoErrors();
  });

  it("a Deny collection shadows the Allow: it is named, and the fix goes before it; an application Deny does not shadow a network Allow", async () => {
    const denyAll = {
      ruleType: "NetworkRule",
      name: "deny-spokes",
      ipProtocols: ["Any"],
      sourceAddresses: ["10.10.0.0/16"],
      destinationAddresses: ["*"],
      destinationPorts: ["*"],
    };
    setGroup([filter("deny-internet", 100, "Deny", [denyAll]), filter("aml-compute-outbound", 200, "Allow", amlRules())]);
    const found = errors(await check());
    assert.equal(found.length, 14);
    for (const f of found) {
      assert.match(
        f.message,
        /rule collection deny-internet \(priority 100, rule collection group rcg-aml priority 200, policy afwp-hub\) denies it with network rule deny-spokes/,
      );
      assert.match(
        f.fix,
        /^az network firewall policy rule-collection-group create .*--policy-name afwp-hub --name rcg-aml-required --priority 199 && az network firewall policy rule-collection-group collection add-filter-collection .*--rcg-name rcg-aml-required --name \S+ --collection-priority 100 --action Allow/,
      );
    }
    const appDeny = {
      ruleType: "ApplicationRule",
      name: "deny-web",
      sourceAddresses: ["*"],
      protocols: [{ protocolType: "Https", port: 443 }],
      targetFqdns: ["*"],
    };
    setGroup([filter("deny-web", 100, "Deny", [appDeny]), filter("aml-compute-outbound", 200, "Allow", amlRules())]);
    await assertNoErrors();
  });

  it("a parent policy's rule comes first whatever its priority; a parent that allows nothing relevant changes nothing", async () => {
    const baseId = planted.ids.hub.firewallPolicyId.replace("afwp-hub", "afwp-base");
    put(baseId, NET, { location: "westeurope", properties: { sku: { tier: "Standard" } } });
    const denyStorage = {
      ruleType: "NetworkRule",
      name: "no-storage",
      ipProtocols: ["TCP"],
      sourceAddresses: ["*"],
      destinationAddresses: ["Storage"],
      destinationPorts: ["443"],
    };
    setGroup([filter("platform-deny", 65000, "Deny", [denyStorage])], baseId, "rcg-platform", 65000);
    const policy = get(planted.ids.hub.firewallPolicyId, NET);
    put(planted.ids.hub.firewallPolicyId, NET, { location: policy.location, properties: { ...policy.properties, basePolicy: { id: baseId } } });
    const found = errors(await check());
    assert.deepEqual(
      found.map((f) => f.id).sort(),
      ["blob.core.windows.net-tcp-443", "queue.core.windows.net-tcp-443", "table.core.windows.net-tcp-443"].map(flowId),
    );
    for (const f of found) {
      assert.equal(f.resourceId, baseId, "the fix goes in the parent policy");
      assert.match(
        f.message,
        /rule collection platform-deny \(priority 65000, rule collection group rcg-platform priority 65000, policy afwp-base, inherited from the base policy\) denies it/,
      );
      assert.match(f.fix, /--policy-name afwp-base --rcg-name rcg-platform .*--collection-priority 64999/);
    }
    const allowDns = {
      ruleType: "NetworkRule",
      name: "dns",
      ipProtocols: ["UDP"],
      sourceAddresses: ["*"],
      destinationAddresses: ["10.0.0.0/8"],
      destinationPorts: ["53"],
    };
    setGroup([filter("platform-dns", 65000, "Allow", [allowDns])], baseId, "rcg-platform", 65000);
    await assertNoErrors();
  });

  it("an appliance that is not an Azure Firewall: a warning naming its IP and the flows it must pass", async () => {
    const table = get(planted.ids.amlRouteTableId, NET);
    put(planted.ids.amlRouteTableId, NET, {
      location: table.location,
      properties: {
        routes: [{ name: "default-to-nva", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.3.4" } }],
      },
    });
    const report = await check();
    assert.deepEqual(errors(report), []);
    const warning = report.findings.find((f) => f.id === "route.appliance:snet-training");
    assert.ok(warning, JSON.stringify(report.findings, null, 1));
    assert.equal(warning.resourceId, planted.ids.amlRouteTableId);
    assert.match(
      warning.message,
      /virtual appliance 10\.0\.3\.4, which is not an Azure Firewall .*UDP 5831 to AzureMachineLearning \(westeurope\.tundra\.azureml\.ms/,
    );
  });

  it("a base policy the identity cannot read: a warning naming it and the missing permission, not a failed check", async () => {
    const other = "0c0c0c0c-2222-4333-8444-0000000000b2";
    planted.sandbox.directory.subscriptions.add(other);
    // Built with a temporary Contributor assignment, which is then taken away before the check.
    const grant = { scope: `/subscriptions/${other}`, role: "Contributor" as const };
    planted.sandbox.directory.defaultApp.roleAssignments.push(grant);
    const rg = `/subscriptions/${other}/resourceGroups/rg-connectivity`;
    put(rg, "2024-03-01", { location: "westeurope" });
    const baseId = `${rg}/providers/Microsoft.Network/firewallPolicies/afwp-global`;
    put(baseId, NET, { location: "westeurope", properties: {} });
    const policy = get(planted.ids.hub.firewallPolicyId, NET);
    put(planted.ids.hub.firewallPolicyId, NET, { location: policy.location, properties: { ...policy.properties, basePolicy: { id: baseId } } });
    planted.sandbox.directory.defaultApp.roleAssignments.splice(planted.sandbox.directory.defaultApp.roleAssignments.indexOf(grant), 1);
    const report = await check();
    assert.deepEqual(errors(report), []);
    const warnings = report.findings.filter((f) => f.severity === "warning" && f.resourceId === baseId);
    assert.ok(
      warnings.some((f) => /Microsoft\.Network\/firewallPolicies\/read/.test(f.message) && /afwp-global/.test(f.message)),
      JSON.stringify(report.findings, null, 1),
    );
  });
});
