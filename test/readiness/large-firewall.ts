/**
 * Puts an Azure Firewall with a large policy in front of every spoke of a generated hub-and-spoke (large-topology.ts):
 * a base policy and a child policy, `groups` rule collection groups and `rules` rules in all, most of them about other
 * sources (Allow and Deny), application rules for other hosts, and, in the child's last group, the collection that
 * allows the AML flows: so every flow walks nearly the whole policy. Correct by construction: judging finds nothing.
 */
import type { ApplicationRule, FirewallPolicyFilterRuleCollection, FirewallPolicyRuleCollectionGroup, NetworkRule } from "@azure/arm-network";
import { emptyHubNetwork } from "../../readiness/topology/hub-network";
import type { LargeTopology } from "./large-topology";

const FIREWALL_IP = "10.0.2.4";
const COLLECTIONS_PER_GROUP = 5;

function otherRule(g: number, c: number, r: number): NetworkRule | ApplicationRule {
  const source = `172.${16 + (g % 16)}.${c}.${r % 250}/32`;
  if (c === COLLECTIONS_PER_GROUP - 1) {
    return {
      ruleType: "ApplicationRule",
      name: `app-${g}-${c}-${r}`,
      sourceAddresses: ["*"],
      protocols: [{ protocolType: "Https", port: 443 }],
      targetFqdns: [`host${r}.partner${g}.example.com`],
    };
  }
  return {
    ruleType: "NetworkRule",
    name: `net-${g}-${c}-${r}`,
    ipProtocols: ["TCP"],
    sourceAddresses: [source],
    destinationAddresses: [r % 3 === 0 ? "Storage" : `203.0.${g}.${r % 250}`],
    destinationPorts: [String(1000 + r), "443"],
  };
}

function amlAllowRules(): NetworkRule[] {
  const rule = (name: string, protocols: string[], tag: string, ports: string[]): NetworkRule => ({
    ruleType: "NetworkRule",
    name,
    ipProtocols: protocols,
    sourceAddresses: ["10.0.0.0/8"],
    destinationAddresses: [tag],
    destinationPorts: ports,
  });
  return [
    rule("aad", ["TCP"], "AzureActiveDirectory", ["80", "443"]),
    rule("aml-tcp", ["TCP"], "AzureMachineLearning", ["443", "18881"]),
    rule("aml-udp", ["UDP"], "AzureMachineLearning", ["5831"]),
    rule("batch", ["Any"], "BatchNodeManagement", ["443"]),
    rule("arm", ["TCP"], "AzureResourceManager", ["443"]),
    rule("storage", ["TCP"], "Storage", ["443"]),
    rule("mcr", ["TCP"], "MicrosoftContainerRegistry", ["443"]),
    rule("afd", ["TCP"], "AzureFrontDoor", ["443"]),
  ];
}

export function addLargeFirewall(
  large: LargeTopology,
  { rules, groups }: { rules: number; groups: number },
): { rules: number; groups: number; policies: number } {
  const { topology } = large;
  const rg = topology.workspace.id.split("/providers/")[0];
  const net = `${rg}/providers/Microsoft.Network`;
  const hub = topology.vnets.get(large.options.agentVnetId);
  if (!hub) throw new Error("addLargeFirewall: the generated topology has no hub");
  const firewallSubnet = { id: `${hub.id}/subnets/AzureFirewallSubnet`, name: "AzureFirewallSubnet", addressPrefix: "10.0.2.0/26" };
  hub.subnets = [...(hub.subnets ?? []), firewallSubnet];
  const baseId = `${net}/firewallPolicies/afwp-base`;
  const childId = `${net}/firewallPolicies/afwp-child`;
  const baseGroups = Math.max(1, Math.floor(groups / 10));
  const perGroup = Math.floor(rules / groups);
  const rcgs = new Map<string, FirewallPolicyRuleCollectionGroup[]>([
    [baseId.toLowerCase(), []],
    [childId.toLowerCase(), []],
  ]);
  let total = 0;
  for (let g = 0; g < groups; g++) {
    const policyId = g < baseGroups ? baseId : childId;
    const last = g === groups - 1;
    const collections: FirewallPolicyFilterRuleCollection[] = [];
    const perCollection = Math.floor(perGroup / COLLECTIONS_PER_GROUP);
    for (let c = 0; c < COLLECTIONS_PER_GROUP; c++) {
      const ruleList: Array<NetworkRule | ApplicationRule> = last && c === COLLECTIONS_PER_GROUP - 2 ? amlAllowRules() : [];
      while (ruleList.length < perCollection) ruleList.push(otherRule(g, c, ruleList.length));
      total += ruleList.length;
      collections.push({
        ruleCollectionType: "FirewallPolicyFilterRuleCollection",
        name: `coll-${g}-${c}`,
        priority: 100 + c * 10,
        action: { type: c % 2 === 0 ? "Deny" : "Allow" },
        rules: ruleList,
      });
    }
    // The AML collection is an Allow: make its collection's action Allow whatever its position.
    if (last) collections[COLLECTIONS_PER_GROUP - 2].action = { type: "Allow" };
    rcgs
      .get(policyId.toLowerCase())
      ?.push({ id: `${policyId}/ruleCollectionGroups/rcg-${g}`, name: `rcg-${g}`, priority: 100 + g * 100, ruleCollections: collections });
  }
  const hubNetwork = emptyHubNetwork();
  hubNetwork.policies.set(baseId.toLowerCase(), { id: baseId, name: "afwp-base", location: topology.workspace.location });
  hubNetwork.policies.set(childId.toLowerCase(), { id: childId, name: "afwp-child", location: topology.workspace.location, basePolicy: { id: baseId } });
  hubNetwork.ruleCollectionGroups = rcgs;
  hubNetwork.firewalls.push({
    id: `${net}/azureFirewalls/afw-hub`,
    name: "afw-hub",
    location: topology.workspace.location,
    firewallPolicy: { id: childId },
    ipConfigurations: [{ name: "ipconfig1", privateIPAddress: FIREWALL_IP, subnet: { id: firewallSubnet.id } }],
  });
  topology.hub = hubNetwork;
  // Every spoke's training subnet sends 0.0.0.0/0 to the firewall; public-IP ones (no NAT gateway) keep AML and Batch on the internet.
  for (const vnet of topology.vnets.values()) {
    for (const subnet of vnet.subnets ?? []) {
      if (subnet.name !== "snet-training") continue;
      const existing = topology.routeTables.get(subnet.routeTable?.id);
      const tableId = existing?.id ?? `${vnet.id}-rt-firewall`.replace("/virtualNetworks/", "/routeTables/");
      const internet = subnet.natGateway
        ? []
        : ["AzureMachineLearning", `BatchNodeManagement.${topology.workspace.location}`].map((tag) => ({
            name: tag,
            addressPrefix: tag,
            nextHopType: "Internet",
          }));
      const routes = [
        ...(existing?.routes ?? []),
        ...internet,
        { name: "default-to-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: FIREWALL_IP },
      ];
      topology.routeTables.add({ ...(existing ?? {}), id: tableId, name: tableId.split("/").pop(), routes });
      subnet.routeTable = { id: tableId };
    }
  }
  return { rules: total, groups, policies: 2 };
}
