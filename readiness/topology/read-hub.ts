/**
 * Reads hub services around the workspace: per subscription one list each of Azure Firewalls, DNS resolvers and
 * forwarding rulesets; then the policies the firewalls use (with their base policies, followed by ID into any
 * subscription) and their rule collection groups, the resolvers' inbound endpoints, the rulesets' rules and VNet
 * links. A refused read (403) is kept as an unreadable resource for a warning, never a failed check.
 */
import type { AzureClients } from "../../azure/clients";
import { explainReadError } from "../errors";
import { idParts } from "./arm-id";
import { emptyHubNetwork, HubNetwork } from "./hub-network";
import type { Topology } from "./topology";

type ClientsFor = (subscriptionId: string) => AzureClients;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

function refused(error: unknown): boolean {
  const e = error as { statusCode?: number; code?: string };
  return e?.statusCode === 403 || e?.code === "AuthorizationFailed";
}

/** Runs a read; on 403 records what could not be read and returns `fallback`; other errors fail the check as elsewhere. */
async function guarded<T>(
  hub: HubNetwork,
  read: () => Promise<T>,
  fallback: T,
  unreadable: { resourceId: string; what: string; permission: string },
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (refused(error)) {
      hub.unreadable.push(unreadable);
      return fallback;
    }
    if ((error as { statusCode?: number }).statusCode === 404) return fallback;
    throw explainReadError(error, unreadable.what, unreadable.resourceId);
  }
}

function hubOf(topology: Topology): HubNetwork {
  topology.hub ??= emptyHubNetwork();
  return topology.hub;
}

/** One list each of firewalls, resolvers and rulesets in a subscription. */
export async function listHubServices(topology: Topology, clients: AzureClients, subscriptionId: string): Promise<void> {
  const hub = hubOf(topology);
  const scope = `/subscriptions/${subscriptionId}`;
  const [firewalls, resolvers, rulesets] = await Promise.all([
    guarded(hub, () => collect(clients.network.azureFirewalls.listAll()), [], {
      resourceId: scope,
      what: "the Azure Firewalls of subscription",
      permission: "Microsoft.Network/azureFirewalls/read",
    }),
    guarded(hub, () => collect(clients.dnsResolver.dnsResolvers.list()), [], {
      resourceId: scope,
      what: "the DNS resolvers of subscription",
      permission: "Microsoft.Network/dnsResolvers/read",
    }),
    guarded(hub, () => collect(clients.dnsResolver.dnsForwardingRulesets.list()), [], {
      resourceId: scope,
      what: "the DNS forwarding rulesets of subscription",
      permission: "Microsoft.Network/dnsForwardingRulesets/read",
    }),
  ]);
  hub.firewalls.push(...firewalls);
  hub.resolvers.push(...resolvers);
  hub.rulesets.push(...rulesets);
}

async function readPolicyChain(hub: HubNetwork, clientsFor: ClientsFor, policyId: string): Promise<void> {
  const key = policyId.toLowerCase();
  if (hub.policies.has(key) || hub.unreadable.some((u) => u.resourceId.toLowerCase() === key)) return;
  const { subscriptionId, resourceGroup, name } = idParts(policyId);
  const client = clientsFor(subscriptionId).network;
  const [policy, groups] = await Promise.all([
    guarded(hub, () => client.firewallPolicies.get(resourceGroup, name), undefined, {
      resourceId: policyId,
      what: "firewall policy",
      permission: "Microsoft.Network/firewallPolicies/read",
    }),
    guarded(hub, () => collect(client.firewallPolicyRuleCollectionGroups.list(resourceGroup, name)), undefined, {
      resourceId: policyId,
      what: "the rule collection groups of firewall policy",
      permission: "Microsoft.Network/firewallPolicies/ruleCollectionGroups/read",
    }),
  ]);
  if (!policy) return;
  hub.policies.set(key, policy);
  if (groups) hub.ruleCollectionGroups.set(key, groups);
  if (policy.basePolicy?.id) await readPolicyChain(hub, clientsFor, policy.basePolicy.id);
}

/** The children of what listHubServices found. */
export async function readHubDetails(topology: Topology, clientsFor: ClientsFor): Promise<void> {
  const hub = hubOf(topology);
  const policyIds = [...new Set(hub.firewalls.map((f) => f.firewallPolicy?.id).filter((id): id is string => !!id))];
  await Promise.all([
    ...policyIds.map((id) => readPolicyChain(hub, clientsFor, id)),
    ...hub.resolvers.map(async (resolver) => {
      const { subscriptionId, resourceGroup, name } = idParts(resolver.id as string);
      const endpoints = await guarded(hub, () => collect(clientsFor(subscriptionId).dnsResolver.inboundEndpoints.list(resourceGroup, name)), [], {
        resourceId: resolver.id as string,
        what: "the inbound endpoints of DNS resolver",
        permission: "Microsoft.Network/dnsResolvers/inboundEndpoints/read",
      });
      hub.inboundEndpoints.set((resolver.id as string).toLowerCase(), endpoints);
    }),
    ...hub.rulesets.map(async (ruleset) => {
      const { subscriptionId, resourceGroup, name } = idParts(ruleset.id as string);
      const client = clientsFor(subscriptionId).dnsResolver;
      const [rules, links] = await Promise.all([
        guarded(hub, () => collect(client.forwardingRules.list(resourceGroup, name)), [], {
          resourceId: ruleset.id as string,
          what: "the forwarding rules of DNS forwarding ruleset",
          permission: "Microsoft.Network/dnsForwardingRulesets/forwardingRules/read",
        }),
        guarded(hub, () => collect(client.virtualNetworkLinks.list(resourceGroup, name)), [], {
          resourceId: ruleset.id as string,
          what: "the virtual network links of DNS forwarding ruleset",
          permission: "Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks/read",
        }),
      ]);
      hub.forwardingRules.set((ruleset.id as string).toLowerCase(), rules);
      hub.rulesetLinks.set((ruleset.id as string).toLowerCase(), links);
    }),
  ]);
}
