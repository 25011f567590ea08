import assert from "node:assert/strict";
import type { AzureFirewall, FirewallPolicy, FirewallPolicyRuleCollectionGroup, NetworkRule } from "@azure/arm-network";
import { judgeFirewall } from "../../readiness/firewall/evaluate-firewall";
import { requiredFirewallFlows } from "../../readiness/firewall/firewall-flows";
import { fqdnCovers } from "../../readiness/firewall/rule-match";
import type { PolicySource } from "../../readiness/firewall/rule-order";
import { evaluateApplianceHop } from "../../readiness/hub-path-extensions";
import type { ApplianceHopContext } from "../../readiness/path/types";
import { emptyHubNetwork } from "../../readiness/topology/hub-network";
import { emptyTopology } from "../../readiness/topology/topology";

const FW = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/azureFirewalls/afw";
const POLICY = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/afwp";
const flows = requiredFirewallFlows("westeurope");
const storageFlow = flows.filter((f) => f.key === "blob.core.windows.net-tcp-443");
const net = (name: string, sources: string[], destinations: string[], ports = ["443"], protocols = ["TCP"]): NetworkRule => ({
  ruleType: "NetworkRule",
  name,
  ipProtocols: protocols,
  sourceAddresses: sources,
  destinationAddresses: destinations,
  destinationPorts: ports,
});
const noPolicies: PolicySource = { policy: () => undefined, groups: () => undefined };

function withPolicy(
  rules: Array<{ name: string; priority: number; action: "Allow" | "Deny"; rules: NetworkRule[] }>,
  policy: FirewallPolicy = { id: POLICY, name: "afwp" },
): { firewall: AzureFirewall; policies: PolicySource } {
  const group: FirewallPolicyRuleCollectionGroup = {
    name: "rcg",
    priority: 100,
    ruleCollections: rules.map((c) => ({
      ruleCollectionType: "FirewallPolicyFilterRuleCollection",
      name: c.name,
      priority: c.priority,
      action: { type: c.action },
      rules: c.rules,
    })),
  };
  return {
    firewall: { id: FW, name: "afw", firewallPolicy: { id: POLICY } },
    policies: { policy: (id) => (id.toLowerCase() === POLICY.toLowerCase() ? policy : undefined), groups: () => [group] },
  };
}

/** The firewall evaluator alone (pure), on the edges the sandbox scenarios do not reach. */
describe("Azure Firewall evaluator", () => {
  it("judges a classic firewall's inline collections by priority", () => {
    const firewall: AzureFirewall = {
      id: FW,
      name: "afw",
      networkRuleCollections: [
        {
          name: "allow-storage",
          priority: 200,
          action: { type: "Allow" },
          rules: [{ name: "s", protocols: ["TCP"], sourceAddresses: ["10.1.0.0/16"], destinationAddresses: ["Storage"], destinationPorts: ["443"] }],
        },
        {
          name: "deny-all",
          priority: 100,
          action: { type: "Deny" },
          rules: [{ name: "d", protocols: ["Any"], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["*"] }],
        },
      ],
    };
    const [verdict] = judgeFirewall(firewall, { flows: storageFlow, sourcePrefixes: ["10.1.1.0/24"], region: "westeurope", policies: noPolicies }).verdicts;
    assert.deepEqual([verdict.allowed, verdict.decidedBy?.name], [false, "deny-all"]);
  });

  it("an Allow covering part of the subnet does not allow it; a Deny covering part of it denies it", () => {
    const partial = withPolicy([{ name: "allow-half", priority: 100, action: "Allow", rules: [net("a", ["10.1.1.0/25"], ["Storage"])] }]);
    assert.equal(
      judgeFirewall(partial.firewall, { flows: storageFlow, sourcePrefixes: ["10.1.1.0/24"], region: "westeurope", policies: partial.policies }).verdicts[0]
        .allowed,
      false,
    );
    const deny = withPolicy([
      { name: "deny-half", priority: 100, action: "Deny", rules: [net("d", ["10.1.1.128/25"], ["*"], ["*"], ["Any"])] },
      { name: "allow", priority: 200, action: "Allow", rules: [net("a", ["*"], ["Storage.westeurope"])] },
    ]);
    const [verdict] = judgeFirewall(deny.firewall, {
      flows: storageFlow,
      sourcePrefixes: ["10.1.1.0/24"],
      region: "westeurope",
      policies: deny.policies,
    }).verdicts;
    assert.deepEqual([verdict.allowed, verdict.decidedBy?.name], [false, "deny-half"]);
  });

  it("a network rule FQDN counts only with DNS proxy on; a regional tag does not cover another region", () => {
    const tundra = flows.filter((f) => f.protocol === "UDP");
    const rule: NetworkRule = {
      ruleType: "NetworkRule",
      name: "t",
      ipProtocols: ["UDP"],
      sourceAddresses: ["*"],
      destinationFqdns: ["westeurope.tundra.azureml.ms"],
      destinationPorts: ["5831"],
    };
    const off = withPolicy([{ name: "c", priority: 100, action: "Allow", rules: [rule] }]);
    assert.equal(
      judgeFirewall(off.firewall, { flows: tundra, sourcePrefixes: ["10.1.1.0/24"], region: "westeurope", policies: off.policies }).verdicts[0].allowed,
      false,
    );
    const on = withPolicy([{ name: "c", priority: 100, action: "Allow", rules: [rule] }], { id: POLICY, name: "afwp", dnsSettings: { enableProxy: true } });
    assert.equal(
      judgeFirewall(on.firewall, { flows: tundra, sourcePrefixes: ["10.1.1.0/24"], region: "westeurope", policies: on.policies }).verdicts[0].allowed,
      true,
    );
    const other = withPolicy([{ name: "c", priority: 100, action: "Allow", rules: [net("a", ["*"], ["Storage.northeurope"])] }]);
    assert.equal(
      judgeFirewall(other.firewall, { flows: storageFlow, sourcePrefixes: ["10.1.1.0/24"], region: "westeurope", policies: other.policies }).verdicts[0]
        .allowed,
      false,
    );
  });

  it("matches host patterns as Azure Firewall does: *.x covers names under x, not x itself", () => {
    assert.equal(fqdnCovers("*.core.windows.net", "*.blob.core.windows.net"), "full");
    assert.equal(fqdnCovers("*", "graph.windows.net"), "full");
    assert.equal(fqdnCovers("*.windows.net", "graph.windows.net"), "full");
    assert.equal(fqdnCovers("stmlw.blob.core.windows.net", "*.blob.core.windows.net"), "some");
    assert.equal(fqdnCovers("*.graph.windows.net", "graph.windows.net"), "none");
    assert.equal(fqdnCovers("mcr.microsoft.com", "*.data.mcr.microsoft.com"), "none");
  });

  it("for the path model: a flow to a private endpoint across the hub is judged by address and port", () => {
    const topology = emptyTopology(
      "AzureCloud",
      { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w", location: "westeurope" },
      undefined,
    );
    const hub = emptyHubNetwork();
    hub.firewalls.push({ id: FW, name: "afw", firewallPolicy: { id: POLICY }, ipConfigurations: [{ privateIPAddress: "10.0.1.4" }] });
    hub.policies.set(POLICY.toLowerCase(), { id: POLICY, name: "afwp" });
    const group = (destinations: string[]): FirewallPolicyRuleCollectionGroup => ({
      name: "rcg",
      priority: 100,
      ruleCollections: [
        {
          ruleCollectionType: "FirewallPolicyFilterRuleCollection",
          name: "spokes",
          priority: 100,
          action: { type: "Allow" },
          rules: [net("s", ["10.20.0.0/16"], destinations)],
        },
      ],
    });
    topology.hub = hub;
    const context: ApplianceHopContext = {
      topology,
      source: {
        key: "agents",
        label: "agents",
        resourceId: "/x/virtualNetworks/vnet-agents",
        subnetId: "/x/virtualNetworks/vnet-agents/subnets/s",
        vnetId: "/x/virtualNetworks/vnet-agents",
        subnet: { addressPrefix: "10.20.1.0/24" },
      },
      target: {
        endpoint: {},
        name: "pe-st-blob",
        service: "storage blob",
        ip: "10.10.2.5",
        port: 443,
        subnetId: "/x/virtualNetworks/vnet-aml/subnets/e",
        vnetId: "/x/virtualNetworks/vnet-aml",
      },
      applianceIp: "10.0.1.4",
      applianceVnetId: "/x/virtualNetworks/vnet-hub",
      routeTableId: "/x/routeTables/rt",
      routeName: "to-aml",
    };
    hub.ruleCollectionGroups.set(POLICY.toLowerCase(), [group(["10.10.0.0/16"])]);
    assert.equal(evaluateApplianceHop(context), undefined);
    const blocked = emptyHubNetwork();
    Object.assign(blocked, hub, { ruleCollectionGroups: new Map([[POLICY.toLowerCase(), [group(["10.30.0.0/16"])]]]) });
    topology.hub = blocked;
    const hop = evaluateApplianceHop(context);
    assert.equal(hop?.severity, "error");
    assert.match(hop?.reason ?? "", /Azure Firewall afw \(10\.0\.1\.4\), where no network rule allows it/);
    assert.match(hop?.fix ?? "", /--destination-addresses 10\.10\.2\.5 --destination-ports 443 --ip-protocols TCP$/);
  });
});
