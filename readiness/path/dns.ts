/**
 * The DNS hop of a path: a private zone answers a client only through Azure DNS (168.63.129.16) in a VNet linked to
 * the zone. A VNet with custom DNS servers depends on their forwarding: a {@link CustomDnsResolver} (the enterprise
 * hub's DNS chain) judges it when given, otherwise the model warns with the forwarder to set.
 */
import type { PrivateEndpoint, VirtualNetwork } from "@azure/arm-network";
import { idParts, sameId } from "../topology/arm-id";
import type { Topology, ZoneState } from "../topology/topology";
import { linkZoneCommand } from "../checks/fixes";
import type { Problem } from "../checks/recorder";
import type { PathExtensions } from "./types";

export const AZURE_DNS = "168.63.129.16";

/** Custom DNS servers of a VNet, if it does not use Azure-provided DNS. */
export function customDnsServers(vnet: VirtualNetwork | undefined): string[] {
  return (vnet?.dhcpOptions?.dnsServers ?? []).filter((s) => s !== AZURE_DNS);
}

export interface ZoneLinkOptions {
  /** Who resolves from this VNet, for the message: "agent VNet vnet-bastion", "vnet-compute, where gpu-cluster runs". */
  who: string;
  /** The resource a missing link is reported on (the zone for the agent and endpoint VNets, the VNet for computes). */
  resourceId: string;
  extensions?: PathExtensions;
}

/** Whether clients in `vnetId` resolve the names of `zone` privately; the problems if not. */
export function zoneLinkProblems(topology: Topology, zone: ZoneState, vnetId: string, options: ZoneLinkOptions): Problem[] {
  const custom = customDnsServers(topology.vnets.get(vnetId));
  if (custom.length) {
    const judged = options.extensions?.customDns?.resolve({ topology, vnetId, servers: custom, zoneName: zone.name, zoneId: zone.id });
    if (judged) return judged;
    return [
      {
        severity: "warning",
        message: `The ${options.who} uses custom DNS servers (${custom.join(", ")}), so the private zone ${zone.name} answers it only if those servers forward it: without a conditional forwarder they resolve the public address.`,
        fix: `On ${custom.join(", ")}: add a conditional forwarder for ${zone.name.replace(/^privatelink\./, "")} (and ${zone.name}) to ${AZURE_DNS}, from a DNS server in a VNet linked to ${zone.name}.`,
        resourceId: vnetId,
      },
    ];
  }
  if (zone.links.some((l) => sameId(l.virtualNetwork?.id, vnetId))) return [];
  return [
    {
      severity: "error",
      message: `Private DNS zone ${zone.name} is not linked to the ${options.who}: clients there resolve the public address of its names instead of the private endpoint.`,
      fix: linkZoneCommand(zone.id, vnetId),
      resourceId: options.resourceId,
    },
  ];
}

/** The zone named `zoneName` that serves `endpoint`: the one its zone group points at, else any readable one. */
export function zoneStateFor(topology: Topology, endpoint: PrivateEndpoint, zoneName: string): ZoneState | undefined {
  const groups = topology.zoneGroups.get((endpoint.id as string).toLowerCase()) ?? [];
  const inGroup = groups
    .flatMap((g) => g.privateDnsZoneConfigs ?? [])
    .map((c) => c.privateDnsZoneId)
    .find((id) => id && idParts(id).name.toLowerCase() === zoneName);
  const candidates = [...topology.zones.values()].filter((z) => z.name.toLowerCase() === zoneName && z.zone);
  return (inGroup ? candidates.find((z) => sameId(z.id, inGroup)) : undefined) ?? candidates[0];
}
