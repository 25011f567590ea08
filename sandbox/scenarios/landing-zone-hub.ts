/**
 * The hub of a landing zone (Cloud Adoption Framework hub-and-spoke): a hub VNet with an Azure Firewall whose policy
 * allows the AML compute flows (network rules to the service tags of the seed tables), a DNS Private Resolver with an
 * inbound endpoint (the spokes' DNS server) and an outbound endpoint serving a forwarding ruleset for an on-premises
 * domain. Bodies follow the spec examples named in sandbox/arm/types/{azure-firewall,firewall-policy,dns-resolver,
 * dns-forwarding-ruleset}.ts.
 */
import { API } from "./api-versions";
import type { InProcessArmClient } from "./in-process-client";

export const HUB_VNET_SPACE = "10.0.0.0/16";
/** First free address of AzureFirewallSubnet 10.0.1.0/26 (Azure hands out .4 first). */
export const FIREWALL_PRIVATE_IP = "10.0.1.4";
export const RESOLVER_INBOUND_IP = "10.0.2.4";

export interface LandingZoneHubIds {
  hubVnetId: string;
  firewallId: string;
  firewallPolicyId: string;
  ruleCollectionGroupId: string;
  resolverId: string;
  inboundEndpointId: string;
  rulesetId: string;
}

export function landingZoneHubIds(hubRgId: string): LandingZoneHubIds {
  const net = `${hubRgId}/providers/Microsoft.Network`;
  return {
    hubVnetId: `${net}/virtualNetworks/vnet-hub`,
    firewallId: `${net}/azureFirewalls/afw-hub`,
    firewallPolicyId: `${net}/firewallPolicies/afwp-hub`,
    ruleCollectionGroupId: `${net}/firewallPolicies/afwp-hub/ruleCollectionGroups/rcg-aml`,
    resolverId: `${net}/dnsResolvers/dnspr-hub`,
    inboundEndpointId: `${net}/dnsResolvers/dnspr-hub/inboundEndpoints/in-hub`,
    rulesetId: `${net}/dnsForwardingRulesets/dnsrs-hub`,
  };
}

/** Network rules allowing the SDK v1 outbound flows of AML compute from `sources` (seed tables, service tags). */
export function amlNetworkRules(sources: string[], region: string): Array<Record<string, unknown>> {
  const rule = (name: string, protocols: string[], tag: string, ports: string[]) => ({
    ruleType: "NetworkRule",
    name,
    ipProtocols: protocols,
    sourceAddresses: sources,
    destinationAddresses: [tag],
    destinationPorts: ports,
  });
  return [
    rule("aad", ["TCP"], "AzureActiveDirectory", ["80", "443"]),
    rule("aml-tcp", ["TCP"], "AzureMachineLearning", ["443", "8787", "18881"]),
    rule("aml-udp", ["UDP"], "AzureMachineLearning", ["5831"]),
    rule("batch", ["Any"], `BatchNodeManagement.${region}`, ["443"]),
    rule("arm", ["TCP"], "AzureResourceManager", ["443"]),
    rule("storage", ["TCP"], `Storage.${region}`, ["443", "445"]),
    rule("mcr", ["TCP"], `MicrosoftContainerRegistry.${region}`, ["443"]),
    rule("afd-first-party", ["TCP"], "AzureFrontDoor.FirstParty", ["443"]),
    rule("afd-front-end", ["TCP"], "AzureFrontDoor.FrontEnd", ["443"]),
    rule("monitor", ["TCP"], "AzureMonitor", ["443"]),
  ];
}

export function buildLandingZoneHub(arm: InProcessArmClient, hubRgId: string, location: string, spokeSources: string[]): LandingZoneHubIds {
  const ids = landingZoneHubIds(hubRgId);
  const net = `${hubRgId}/providers/Microsoft.Network`;
  const delegation = [{ name: "Microsoft.Network.dnsResolvers", properties: { serviceName: "Microsoft.Network/dnsResolvers" } }];
  arm.put(ids.hubVnetId, API.network, {
    location,
    properties: {
      addressSpace: { addressPrefixes: [HUB_VNET_SPACE] },
      subnets: [
        { name: "AzureFirewallSubnet", properties: { addressPrefix: "10.0.1.0/26" } },
        { name: "snet-dns-inbound", properties: { addressPrefix: "10.0.2.0/28", delegations: delegation } },
        { name: "snet-dns-outbound", properties: { addressPrefix: "10.0.2.16/28", delegations: delegation } },
      ],
    },
  });
  arm.put(`${net}/publicIPAddresses/pip-afw-hub`, API.network, { location, sku: { name: "Standard" }, properties: { publicIPAllocationMethod: "Static" } });
  arm.put(ids.firewallPolicyId, API.network, {
    location,
    properties: { sku: { tier: "Standard" }, threatIntelMode: "Alert", dnsSettings: { enableProxy: true, servers: [] } },
  });
  arm.put(ids.ruleCollectionGroupId, API.network, {
    properties: {
      priority: 200,
      ruleCollections: [
        {
          ruleCollectionType: "FirewallPolicyFilterRuleCollection",
          name: "aml-compute-outbound",
          priority: 200,
          action: { type: "Allow" },
          rules: amlNetworkRules(spokeSources, location),
        },
        {
          ruleCollectionType: "FirewallPolicyFilterRuleCollection",
          name: "python-packages",
          priority: 300,
          action: { type: "Allow" },
          rules: [
            {
              ruleType: "ApplicationRule",
              name: "pypi",
              sourceAddresses: spokeSources,
              protocols: [{ protocolType: "Https", port: 443 }],
              targetFqdns: ["pypi.org", "files.pythonhosted.org"],
            },
          ],
        },
      ],
    },
  });
  arm.put(ids.firewallId, API.network, {
    location,
    properties: {
      sku: { name: "AZFW_VNet", tier: "Standard" },
      firewallPolicy: { id: ids.firewallPolicyId },
      ipConfigurations: [
        {
          name: "ipconfig1",
          properties: { subnet: { id: `${ids.hubVnetId}/subnets/AzureFirewallSubnet` }, publicIPAddress: { id: `${net}/publicIPAddresses/pip-afw-hub` } },
        },
      ],
    },
  });
  arm.put(ids.resolverId, API.dnsResolver, { location, properties: { virtualNetwork: { id: ids.hubVnetId } } });
  arm.put(ids.inboundEndpointId, API.dnsResolver, {
    location,
    properties: {
      ipConfigurations: [
        { subnet: { id: `${ids.hubVnetId}/subnets/snet-dns-inbound` }, privateIpAddress: RESOLVER_INBOUND_IP, privateIpAllocationMethod: "Static" },
      ],
    },
  });
  const outbound = `${ids.resolverId}/outboundEndpoints/out-hub`;
  arm.put(outbound, API.dnsResolver, { location, properties: { subnet: { id: `${ids.hubVnetId}/subnets/snet-dns-outbound` } } });
  arm.put(ids.rulesetId, API.dnsResolver, { location, properties: { dnsResolverOutboundEndpoints: [{ id: outbound }] } });
  arm.put(`${ids.rulesetId}/forwardingRules/onprem-contoso`, API.dnsResolver, {
    properties: { domainName: "corp.contoso.com.", targetDnsServers: [{ ipAddress: "192.168.100.10", port: 53 }], forwardingRuleState: "Enabled" },
  });
  arm.put(`${ids.rulesetId}/virtualNetworkLinks/link-vnet-hub`, API.dnsResolver, { properties: { virtualNetwork: { id: ids.hubVnetId } } });
  return ids;
}
