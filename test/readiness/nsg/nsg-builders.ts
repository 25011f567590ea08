/** Small builders for NSG tests: rules in @azure/arm-network SecurityRule shape, with permissive defaults. */
import type { NetworkSecurityGroupInput, SecurityRuleInput } from "../../../readiness/nsg/nsg-rule";
import type { EvaluateOptions } from "../../../readiness/nsg/evaluate";

export const SUBNET_NSG_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-subnet";
export const NIC_NSG_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-nic";

/** The singular "*" defaults are left out when the test gives the plural form or ASGs for that field. */
export function rule(name: string, priority: number, fields: Partial<SecurityRuleInput> = {}): SecurityRuleInput {
  const star = (plural: unknown, asgs?: unknown): string | undefined => (plural || asgs ? undefined : "*");
  return {
    name,
    priority,
    direction: "Outbound",
    access: "Allow",
    protocol: "*",
    sourceAddressPrefix: star(fields.sourceAddressPrefixes, fields.sourceApplicationSecurityGroups),
    sourcePortRange: star(fields.sourcePortRanges),
    destinationAddressPrefix: star(fields.destinationAddressPrefixes, fields.destinationApplicationSecurityGroups),
    destinationPortRange: star(fields.destinationPortRanges),
    ...fields,
  };
}

export function nsg(id: string, ...securityRules: SecurityRuleInput[]): NetworkSecurityGroupInput {
  return { id, securityRules };
}

/** A compute subnet 10.0.1.0/24 in VNet 10.0.0.0/16, West Europe; NSGs added per test. */
export function options(nsgs: Partial<Pick<EvaluateOptions, "subnetNsg" | "nicNsg">> = {}): EvaluateOptions {
  return { localPrefixes: ["10.0.1.0/24"], vnetPrefixes: ["10.0.0.0/16"], region: "westeurope", ...nsgs };
}

export const denyAllOut = rule("DenyEverythingOut", 4096, { access: "Deny" });
export const denyAllIn = rule("DenyEverythingIn", 4096, { access: "Deny", direction: "Inbound" });
