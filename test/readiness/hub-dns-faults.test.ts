import assert from "node:assert/strict";
import { FIREWALL_PRIVATE_IP, RESOLVER_INBOUND_IP } from "../../sandbox/scenarios/landing-zone-hub";
import { REFERENCE_ZONES } from "../../sandbox/scenarios/reference-topology";
import { landingZoneFaults, NET, RESOLVER } from "./hub-fixture";

/**
 * Faults planted with raw ARM PUTs on the landing zone's DNS chain (sandbox/scenarios/hub-spoke.ts): the resolver,
 * forwarding rules and the firewall's DNS proxy. Each fault is an error naming the resource at fault; each ready
 * look-alike gives no error.
 */
describe("readiness engine: the landing zone's DNS chain, planted faults and look-alikes", () => {
  const planted = landingZoneFaults();
  const { check, put, get, errors, assertNoErrors } = planted;

  it("a forwarding rule that captures a privatelink zone away from the zone's VNet is named; one pointing at the inbound endpoint is fine", async () => {
    // The agents' spoke goes back to Azure DNS and is linked to a spoke ruleset forwarding privatelink zones.
    const vnet = get(planted.ids.agentVnetId, NET);
    put(planted.ids.agentVnetId, NET, { location: vnet.location, properties: { ...vnet.properties, dhcpOptions: { dnsServers: [] } } });
    const ruleset = planted.ids.hub.rulesetId.replace("dnsrs-hub", "dnsrs-spokes");
    put(ruleset, RESOLVER, {
      location: "westeurope",
      properties: { dnsResolverOutboundEndpoints: [{ id: `${planted.ids.hub.resolverId}/outboundEndpoints/out-hub` }] },
    });
    put(`${ruleset}/virtualNetworkLinks/link-agents`, RESOLVER, { properties: { virtualNetwork: { id: planted.ids.agentVnetId } } });
    const forward = (zone: string, target: string) =>
      put(`${ruleset}/forwardingRules/${zone.replace(/\./g, "-")}`, RESOLVER, {
        properties: { domainName: `${zone}.`, targetDnsServers: [{ ipAddress: target, port: 53 }] },
      });
    for (const zone of REFERENCE_ZONES) forward(zone, zone === "privatelink.blob.core.windows.net" ? "192.168.100.10" : RESOLVER_INBOUND_IP);
    const found = errors(await check());
    assert.deepEqual(
      found.map((f) => f.id),
      ["dns.zone-linked:privatelink.blob.core.windows.net:vnet-hub-agents"],
    );
    assert.equal(found[0].resourceId, `${ruleset}/forwardingRules/privatelink-blob-core-windows-net`);
    assert.match(
      found[0].message,
      /forwarding rule privatelink-blob-core-windows-net \(privatelink\.blob\.core\.windows\.net\.\) of ruleset dnsrs-spokes, linked to VNet vnet-hub-agents, forwards .* to 192\.168\.100\.10/,
    );
    assert.match(found[0].fix, /^az dns-resolver forwarding-rule delete .*--ruleset-name dnsrs-spokes --name privatelink-blob-core-windows-net/);
    forward("privatelink.blob.core.windows.net", RESOLVER_INBOUND_IP);
    await assertNoErrors();
  });

  it("firewall DNS proxy: clients using the firewall as DNS server resolve through it when proxy is on, and get an error naming the policy when it is off", async () => {
    const vnet = get(planted.ids.agentVnetId, NET);
    put(planted.ids.agentVnetId, NET, { location: vnet.location, properties: { ...vnet.properties, dhcpOptions: { dnsServers: [FIREWALL_PRIVATE_IP] } } });
    await assertNoErrors();
    const policy = get(planted.ids.hub.firewallPolicyId, NET);
    put(planted.ids.hub.firewallPolicyId, NET, { location: policy.location, properties: { ...policy.properties, dnsSettings: { enableProxy: false } } });
    const found = errors(await check());
    assert.equal(found.length, 6, JSON.stringify(found, null, 1));
    for (const f of found) {
      assert.equal(f.resourceId, planted.ids.hub.firewallPolicyId);
      assert.match(f.message, /10\.0\.1\.4 is Azure Firewall afw-hub, whose policy afwp-hub has DNS proxy off/);
      assert.match(f.fix, /^az network firewall policy update .*--name afwp-hub --enable-dns-proxy true$/);
    }
    put(planted.ids.hub.firewallPolicyId, NET, {
      location: policy.location,
      properties: { ...policy.properties, dnsSettings: { enableProxy: true, servers: [RESOLVER_INBOUND_IP] } },
    });
    await assertNoErrors();
  });

  it("a resolver the client VNet is not peered with: every zone gets no answer, and the fix peers them", async () => {
    planted.sandbox.armClient.delete(`${planted.ids.agentVnetId}/virtualNetworkPeerings/peer-agents-to-hub`, NET);
    const found = errors(await check());
    assert.equal(found.length, 6, JSON.stringify(found, null, 1));
    for (const f of found) {
      assert.match(f.id, /^dns\.zone-linked:privatelink\.[a-z.]+:vnet-hub-agents$/);
      assert.equal(f.resourceId, planted.ids.agentVnetId);
      assert.match(f.message, /10\.0\.2\.4 is in VNet vnet-hub, which VNet vnet-hub-agents is not peered with/);
      assert.match(f.fix, /^az network vnet peering create .*--vnet-name vnet-hub-agents .*--remote-vnet \S+\/vnet-hub /);
    }
  });
});
