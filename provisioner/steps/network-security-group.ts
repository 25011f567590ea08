import type { NetworkSecurityGroup, SecurityRule } from "@azure/arm-network";
import type { ProvisionContext } from "../context";
import { isOwned, tagsSatisfied } from "../ownership";
import { act, attempt, getOrUndefined, Step } from "./step";

type RuleSpec = Required<Pick<SecurityRule, "name" | "priority" | "direction" | "access" | "protocol">> & { ports: string[]; remote: string[] };

/**
 * The agent subnet's rules. Azure's default rules stay (outbound to the Internet is how the agent reaches Azure
 * DevOps unless a firewall says otherwise); these make the intent explicit and survive a later deny-all:
 * nothing inbound from the Internet, outbound HTTPS to Azure DevOps, Entra ID and the agent download, and
 * anything to the AML VNet's prefixes (private endpoints and training compute).
 *
 * Azure DevOps has no outbound service tag: the AzureDevOps tag is inbound-only (service-tags-overview.md) and
 * "Azure Service Tags aren't supported for outbound connections" (azure-devops-docs allow-list-ip-url.md). What
 * an agent calls (dev.azure.com on 13.107.6.0/24 and its siblings, which are not in AzureCloud; the agent package
 * on a CDN; *.blob.core.windows.net) is only covered as a whole by Internet on 443, which is what Microsoft's
 * self-hosted agent docs ask a firewall to open (by domain).
 */
export function desiredRules(amlPrefixes: string[]): RuleSpec[] {
  const rules: RuleSpec[] = [
    { name: "DenyInternetInbound", priority: 4000, direction: "Inbound", access: "Deny", protocol: "*", ports: ["*"], remote: ["Internet"] },
    { name: "AllowAzureDevOpsOutbound", priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp", ports: ["443"], remote: ["Internet"] },
    { name: "AllowEntraIdOutbound", priority: 110, direction: "Outbound", access: "Allow", protocol: "Tcp", ports: ["443"], remote: ["AzureActiveDirectory"] },
    { name: "AllowAgentDownloadOutbound", priority: 120, direction: "Outbound", access: "Allow", protocol: "Tcp", ports: ["443"], remote: ["AzureCloud"] },
  ];
  if (amlPrefixes.length)
    rules.push({
      name: "AllowAmlVnetOutbound",
      priority: 130,
      direction: "Outbound",
      access: "Allow",
      protocol: "*",
      ports: ["*"],
      remote: [...amlPrefixes].sort(),
    });
  return rules;
}

function toSecurityRule(spec: RuleSpec): SecurityRule {
  const inbound = spec.direction === "Inbound";
  const remote = spec.remote.length === 1 ? { one: spec.remote[0] } : { many: spec.remote };
  return {
    name: spec.name,
    priority: spec.priority,
    direction: spec.direction,
    access: spec.access,
    protocol: spec.protocol,
    sourcePortRange: "*",
    ...(spec.ports.length === 1 ? { destinationPortRange: spec.ports[0] } : { destinationPortRanges: spec.ports }),
    ...(inbound
      ? { destinationAddressPrefix: "*", ...("one" in remote ? { sourceAddressPrefix: remote.one } : { sourceAddressPrefixes: remote.many }) }
      : {
          sourceAddressPrefix: "VirtualNetwork",
          ...("one" in remote ? { destinationAddressPrefix: remote.one } : { destinationAddressPrefixes: remote.many }),
        }),
  };
}

function list(single: string | undefined, many: string[] | undefined): string[] {
  return (many?.length ? [...many] : single ? [single] : []).sort();
}

function sameRule(actual: SecurityRule | undefined, spec: RuleSpec): boolean {
  if (!actual) return false;
  const inbound = spec.direction === "Inbound";
  const remote = inbound
    ? list(actual.sourceAddressPrefix, actual.sourceAddressPrefixes)
    : list(actual.destinationAddressPrefix, actual.destinationAddressPrefixes);
  return (
    actual.priority === spec.priority &&
    actual.direction === spec.direction &&
    actual.access === spec.access &&
    (actual.protocol ?? "").toLowerCase() === spec.protocol.toLowerCase() &&
    list(actual.destinationPortRange, actual.destinationPortRanges).join() === [...spec.ports].sort().join() &&
    remote.join() === [...spec.remote].sort().join()
  );
}

/** Rules that differ from the desired ones, by name ("" when the NSG is as desired). */
export function ruleDrift(nsg: NetworkSecurityGroup, specs: RuleSpec[]): string[] {
  return specs
    .filter(
      (spec) =>
        !sameRule(
          nsg.securityRules?.find((r) => r.name === spec.name),
          spec,
        ),
    )
    .map((spec) => spec.name);
}

/** Step 2a: the NSG of the agent subnet, in the agents' resource group, tagged as amlvnet's. */
export const networkSecurityGroupStep: Step = {
  name: "network-security-group",
  async apply(ctx) {
    const { config, clients } = ctx;
    const name = config.network.nsgName;
    const specs = desiredRules(ctx.amlPrefixes);
    const existing = await getOrUndefined(() => clients.network.networkSecurityGroups.get(config.resourceGroup, name), `NSG ${name}`);
    const change = { step: this.name, kind: "network security group", name, id: ctx.ids.nsgId };
    const drift = existing ? ruleDrift(existing, specs) : [];
    if (existing && drift.length === 0 && tagsSatisfied(existing.tags, ctx.tags)) return act(ctx, { ...change, action: "no-op" }, async () => undefined);
    // Rules someone added by hand are kept; amlvnet's own are set to what they should be.
    const kept = (existing?.securityRules ?? []).filter((r) => !specs.some((s) => s.name === r.name));
    const body: NetworkSecurityGroup = {
      location: config.location,
      tags: { ...existing?.tags, ...ctx.tags },
      securityRules: [...kept, ...specs.map(toSecurityRule)],
    };
    const detail = existing
      ? drift.length
        ? `rules ${drift.join(", ")}`
        : "tags"
      : `deny inbound from Internet; outbound 443 to Internet (Azure DevOps), AzureActiveDirectory, AzureCloud${ctx.amlPrefixes.length ? `; any to ${ctx.amlPrefixes.join(", ")}` : ""}`;
    await act(ctx, { ...change, action: existing ? "update" : "create", detail }, () =>
      clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait(config.resourceGroup, name, body, { abortSignal: ctx.signal }),
    );
  },
  async destroy(ctx: ProvisionContext) {
    const { config, clients } = ctx;
    const name = config.network.nsgName;
    await attempt(ctx, `NSG ${name}`, async () => {
      const nsg = await getOrUndefined(() => clients.network.networkSecurityGroups.get(config.resourceGroup, name), `NSG ${name}`);
      if (!nsg || !isOwned(nsg.tags, config.pool.name)) return;
      await act(ctx, { step: "network-security-group", kind: "network security group", name, id: ctx.ids.nsgId, action: "delete" }, () =>
        clients.network.networkSecurityGroups.beginDeleteAndWait(config.resourceGroup, name, { abortSignal: ctx.signal }),
      );
    });
  },
};
