/**
 * Ownership is recorded in Azure, not in a local state file: every resource amlvnet creates carries these tags,
 * and the children that cannot carry tags (peerings, a subnet in an existing VNet) are told apart by name or by
 * the tagged NSG they hold. destroy removes only what these functions say is amlvnet's.
 */
export const MANAGED_BY_TAG = "amlvnet-managed-by";
export const MANAGED_BY_VALUE = "amlvnet";
export const POOL_TAG = "amlvnet-pool";

/** Prefix of the peerings amlvnet creates (peerings have no tags). */
export const PEERING_PREFIX = "amlvnet-peer-";

export function ownershipTags(poolName: string, userTags: Record<string, string> = {}): Record<string, string> {
  return { ...userTags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [POOL_TAG]: poolName };
}

/** Whether a resource's tags say amlvnet created it for this pool. */
export function isOwned(tags: Record<string, string> | undefined, poolName: string): boolean {
  if (!tags) return false;
  return tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE && (tags[POOL_TAG] ?? "").toLowerCase() === poolName.toLowerCase();
}

/** Whether the current tags hold every desired one with the same value (extra tags someone added are kept). */
export function tagsSatisfied(current: Record<string, string> | undefined, desired: Record<string, string>): boolean {
  return Object.entries(desired).every(([key, value]) => current?.[key] === value);
}

export function peeringName(remoteVnetName: string): string {
  return `${PEERING_PREFIX}${remoteVnetName}`.slice(0, 80);
}

export function isOwnedPeering(name: string | undefined): boolean {
  return !!name && name.toLowerCase().startsWith(PEERING_PREFIX);
}

/** Name of the private DNS zone link amlvnet adds for the agent VNet. */
export function dnsLinkName(agentVnetName: string): string {
  return `amlvnet-${agentVnetName}`.slice(0, 80);
}
