/** What the engine reads about hub services: Azure Firewalls and their policies, DNS Private Resolvers and forwarding rulesets. */
import type { DnsForwardingRuleset, DnsResolver, ForwardingRule, InboundEndpoint, VirtualNetworkLink as RulesetLink } from "@azure/arm-dnsresolver";
import type { AzureFirewall, FirewallPolicy, FirewallPolicyRuleCollectionGroup } from "@azure/arm-network";

/** A read the identity was refused: named in a warning instead of failing the check. */
export interface UnreadableResource {
  /** The resource (or subscription scope) that could not be read. */
  resourceId: string;
  what: string;
  /** The action the identity lacks, e.g. Microsoft.Network/azureFirewalls/read. */
  permission: string;
}

export interface HubNetwork {
  firewalls: AzureFirewall[];
  /** Policies by lower-cased ID: those the firewalls use and their base policies. */
  policies: Map<string, FirewallPolicy>;
  /** Rule collection groups by lower-cased policy ID. */
  ruleCollectionGroups: Map<string, FirewallPolicyRuleCollectionGroup[]>;
  resolvers: DnsResolver[];
  /** Inbound endpoints by lower-cased resolver ID. */
  inboundEndpoints: Map<string, InboundEndpoint[]>;
  rulesets: DnsForwardingRuleset[];
  /** Forwarding rules and VNet links by lower-cased ruleset ID. */
  forwardingRules: Map<string, ForwardingRule[]>;
  rulesetLinks: Map<string, RulesetLink[]>;
  unreadable: UnreadableResource[];
}

export function emptyHubNetwork(): HubNetwork {
  return {
    firewalls: [],
    policies: new Map(),
    ruleCollectionGroups: new Map(),
    resolvers: [],
    inboundEndpoints: new Map(),
    rulesets: [],
    forwardingRules: new Map(),
    rulesetLinks: new Map(),
    unreadable: [],
  };
}
