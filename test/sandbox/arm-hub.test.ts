import assert from "node:assert/strict";
import type { NetworkRule } from "@azure/arm-network";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm, rejectsWithCode, rgId, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

/** Azure Firewall, firewall policies, DNS Private Resolver and forwarding rulesets through the real SDK clients. */
describe("sandbox: hub services through @azure/arm-network and @azure/arm-dnsresolver", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  const rg = "rg-hub";
  const location = "westeurope";
  let vnetId: string;
  before(async () => {
    sandbox = await startTestSandbox({ lroMs: 100 });
    clients = sandboxClients(sandbox);
    assert.equal((await rawArm(sandbox, clients.credential, "PUT", `${rgId(sandbox, rg)}?api-version=2024-03-01`, { location })).status, 201);
    const delegations = [{ name: "resolver", serviceName: "Microsoft.Network/dnsResolvers" }];
    const vnet = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, "vnet-hub", {
      location,
      addressSpace: { addressPrefixes: ["10.0.0.0/16", "10.9.0.0/16"] },
      subnets: [
        { name: "AzureFirewallSubnet", addressPrefix: "10.0.1.0/26" },
        { name: "snet-other", addressPrefix: "10.0.3.0/24" },
        { name: "snet-in", addressPrefix: "10.0.2.0/28", delegations },
        { name: "snet-out", addressPrefix: "10.0.2.16/28", delegations },
      ],
    });
    vnetId = vnet.id as string;
  });
  after(() => sandbox.close());

  const subnet = (name: string) => ({ id: `${vnetId}/subnets/${name}` });
  const allowStorage: NetworkRule = {
    ruleType: "NetworkRule",
    name: "storage",
    ipProtocols: ["TCP"],
    sourceAddresses: ["10.10.0.0/16"],
    destinationAddresses: ["Storage.westeurope"],
    destinationPorts: ["443"],
  };

  it("creates a policy, a rule collection group and a firewall; the firewall gets .4 of AzureFirewallSubnet and the policy lists both back", async () => {
    const policy = await clients.network.firewallPolicies.beginCreateOrUpdateAndWait(rg, "afwp", {
      location,
      sku: { tier: "Standard" },
      dnsSettings: { enableProxy: true },
    });
    assert.equal(policy.dnsSettings?.enableProxy, true);
    const group = await clients.network.firewallPolicyRuleCollectionGroups.beginCreateOrUpdateAndWait(rg, "afwp", "rcg", {
      priority: 200,
      ruleCollections: [
        { ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "allow", priority: 100, action: { type: "Allow" }, rules: [allowStorage] },
      ],
    });
    const collection = group.ruleCollections?.[0];
    assert.equal(collection?.ruleCollectionType, "FirewallPolicyFilterRuleCollection");
    const rule = (collection as { rules?: NetworkRule[] }).rules?.[0];
    assert.deepEqual([rule?.ruleType, rule?.destinationAddresses, rule?.destinationPorts], ["NetworkRule", ["Storage.westeurope"], ["443"]]);
    const firewall = await clients.network.azureFirewalls.beginCreateOrUpdateAndWait(rg, "afw", {
      location,
      sku: { name: "AZFW_VNet", tier: "Standard" },
      firewallPolicy: { id: policy.id },
      ipConfigurations: [{ name: "ipconfig1", subnet: subnet("AzureFirewallSubnet") }],
    });
    assert.equal(firewall.ipConfigurations?.[0].privateIPAddress, "10.0.1.4");
    assert.equal(firewall.provisioningState, "Succeeded");
    const read = await clients.network.firewallPolicies.get(rg, "afwp");
    assert.deepEqual(
      read.ruleCollectionGroups?.map((g) => g.id?.split("/").pop()),
      ["rcg"],
    );
    assert.deepEqual(
      read.firewalls?.map((f) => f.id),
      [firewall.id],
    );
    const listed: string[] = [];
    for await (const f of clients.network.azureFirewalls.listAll()) listed.push(f.name as string);
    assert.deepEqual(listed, ["afw"]);
    await rejectsWithCode(clients.network.firewallPolicies.beginDeleteAndWait(rg, "afwp"), "FirewallPolicyInUse");
  });

  it("refuses a firewall outside AzureFirewallSubnet, one without a subnet, and bad rule collections", async () => {
    await rejectsWithCode(
      clients.network.azureFirewalls.beginCreateOrUpdateAndWait(rg, "afw-bad", { location, ipConfigurations: [{ name: "c", subnet: subnet("snet-other") }] }),
      "AzureFirewallSubnetNameInvalid",
    );
    await rejectsWithCode(
      clients.network.azureFirewalls.beginCreateOrUpdateAndWait(rg, "afw-bad", { location, ipConfigurations: [{ name: "c" }] }),
      "InvalidRequestFormat",
    );
    const rcg = (priority: number, rules: NetworkRule[]) =>
      clients.network.firewallPolicyRuleCollectionGroups.beginCreateOrUpdateAndWait(rg, "afwp", "rcg-bad", {
        priority,
        ruleCollections: [{ ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "c", priority: 100, action: { type: "Allow" }, rules }],
      });
    await rejectsWithCode(rcg(50, [allowStorage]), "InvalidRequestFormat");
    await rejectsWithCode(rcg(300, [{ ...allowStorage, destinationAddresses: [], destinationFqdns: ["*.blob.core.windows.net"] }]), "InvalidRequestFormat");
  });

  it("creates a resolver (one per VNet), a dynamic inbound endpoint taking .4 of its delegated subnet, an outbound endpoint, a ruleset with a rule and a VNet link", async () => {
    const resolver = await clients.dnsResolver.dnsResolvers.beginCreateOrUpdateAndWait(rg, "dnspr", { location, virtualNetwork: { id: vnetId } });
    assert.equal(resolver.dnsResolverState, "Connected");
    await rejectsWithCode(
      clients.dnsResolver.dnsResolvers.beginCreateOrUpdateAndWait(rg, "dnspr-2", { location, virtualNetwork: { id: vnetId } }),
      "BadRequest",
    );
    await rejectsWithCode(
      clients.dnsResolver.inboundEndpoints.beginCreateOrUpdateAndWait(rg, "dnspr", "in-bad", {
        location,
        ipConfigurations: [{ subnet: subnet("snet-other") }],
      }),
      "SubnetMissingRequiredDelegation",
    );
    const inbound = await clients.dnsResolver.inboundEndpoints.beginCreateOrUpdateAndWait(rg, "dnspr", "in", {
      location,
      ipConfigurations: [{ subnet: subnet("snet-in"), privateIpAllocationMethod: "Dynamic" }],
    });
    assert.deepEqual([inbound.ipConfigurations[0].privateIpAddress, inbound.ipConfigurations[0].privateIpAllocationMethod], ["10.0.2.4", "Dynamic"]);
    const outbound = await clients.dnsResolver.outboundEndpoints.beginCreateOrUpdateAndWait(rg, "dnspr", "out", { location, subnet: subnet("snet-out") });
    const ruleset = await clients.dnsResolver.dnsForwardingRulesets.beginCreateOrUpdateAndWait(rg, "rs", {
      location,
      dnsResolverOutboundEndpoints: [{ id: outbound.id as string }],
    });
    await rejectsWithCode(
      clients.dnsResolver.forwardingRules.createOrUpdate(rg, "rs", "azure-dns", {
        domainName: "contoso.com.",
        targetDnsServers: [{ ipAddress: "168.63.129.16" }],
      }),
      "BadRequest",
    );
    await rejectsWithCode(
      clients.dnsResolver.forwardingRules.createOrUpdate(rg, "rs", "no-dot", { domainName: "contoso.com", targetDnsServers: [{ ipAddress: "10.1.1.1" }] }),
      "BadRequest",
    );
    const rule = await clients.dnsResolver.forwardingRules.createOrUpdate(rg, "rs", "contoso", {
      domainName: "contoso.com.",
      targetDnsServers: [{ ipAddress: "10.1.1.1" }],
    });
    assert.deepEqual([rule.domainName, rule.targetDnsServers[0].port, rule.forwardingRuleState], ["contoso.com.", 53, "Enabled"]);
    const link = await clients.dnsResolver.virtualNetworkLinks.beginCreateOrUpdateAndWait(rg, "rs", "link-hub", { virtualNetwork: { id: vnetId } });
    assert.equal(link.virtualNetwork.id, vnetId);
    const rulesets: string[] = [];
    for await (const r of clients.dnsResolver.dnsForwardingRulesets.list()) rulesets.push(r.id as string);
    assert.deepEqual(rulesets, [ruleset.id]);
    const endpoints: string[] = [];
    for await (const e of clients.dnsResolver.inboundEndpoints.list(rg, "dnspr")) endpoints.push(e.ipConfigurations[0].privateIpAddress as string);
    assert.deepEqual(endpoints, ["10.0.2.4"]);
  });
});
