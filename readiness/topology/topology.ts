import type { ComputeResource, Workspace } from "@azure/arm-machinelearning";
import type {
  NatGateway,
  NetworkInterface,
  NetworkSecurityGroup,
  PrivateDnsZoneGroup,
  PrivateEndpoint,
  RouteTable,
  Subnet,
  VirtualNetwork,
} from "@azure/arm-network";
import type { PrivateZone, RecordSet, VirtualNetworkLink } from "@azure/arm-privatedns";
import type { GenericResource } from "@azure/arm-resources";
import type { Cloud } from "../../network/private-link-zones";
import type { InferenceTopology } from "../inference/inference-topology";
import type { HubNetwork } from "./hub-network";

/** Resources keyed by lower-cased ARM ID. */
export class IdMap<T extends { id?: string }> {
  private readonly items = new Map<string, T>();

  add(item: T): void {
    if (item.id) this.items.set(item.id.toLowerCase(), item);
  }

  get(id: string | undefined): T | undefined {
    return id ? this.items.get(id.toLowerCase()) : undefined;
  }

  values(): T[] {
    return [...this.items.values()];
  }
}

export interface ZoneState {
  id: string;
  name: string;
  /** Undefined when the zone could not be read (it does not exist, or no permission). */
  zone?: PrivateZone;
  links: VirtualNetworkLink[];
  aRecords: RecordSet[];
}

export interface WorkspaceDependencies {
  storage?: GenericResource;
  vault?: GenericResource;
  registry?: GenericResource;
  insights?: GenericResource;
}

/**
 * The workspace's managed network (ML 2024-10-01 `properties.managedNetwork`): isolationMode Disabled |
 * AllowInternetOutbound | AllowOnlyApprovedOutbound, and outbound rules keyed by name (type FQDN | PrivateEndpoint |
 * ServiceTag). Read raw: the SDK's api-version (2022-10-01) drops it.
 */
export interface ManagedNetwork {
  isolationMode?: string;
  outboundRules?: Record<string, { type?: string; category?: string; status?: string; destination?: unknown }>;
  status?: { status?: string };
}

/** An attached VirtualMachine compute's VM and NICs, read by ID; `unreadable` says why they could not be. */
export interface AttachedVm {
  vmId: string;
  location?: string;
  nics: NetworkInterface[];
  unreadable?: string;
}

/** Everything the checks look at, read once. */
export interface Topology {
  cloud: Cloud;
  workspace: Workspace & { id: string; location: string };
  dependencies: WorkspaceDependencies;
  computes: ComputeResource[];
  vnets: IdMap<VirtualNetwork>;
  nsgs: IdMap<NetworkSecurityGroup>;
  routeTables: IdMap<RouteTable>;
  natGateways: IdMap<NatGateway>;
  privateEndpoints: PrivateEndpoint[];
  /** Zone groups of each private endpoint, by lower-cased endpoint ID. */
  zoneGroups: Map<string, PrivateDnsZoneGroup[]>;
  /** The NICs of the workspace's private endpoints (their ipConfigurations carry privateLinkConnectionProperties.fqdns). */
  endpointNics: IdMap<NetworkInterface>;
  /** Private DNS zones by lower-cased zone ID. */
  zones: Map<string, ZoneState>;
  agentVnetId?: string;
  managedNetwork?: ManagedNetwork;
  /** Attached VirtualMachine computes' VMs, by lower-cased compute ID. */
  attachedVms: Map<string, AttachedVm>;
  /** Subscriptions whose network resources could not be listed, with the missing permission, by lower-cased ID. */
  unreadableSubscriptions: Map<string, string>;
  /** AKS / Kubernetes computes with their clusters and role assignments, online endpoints (absent: not read). */
  inference?: InferenceTopology;
  /** Azure Firewalls, policies, DNS resolvers and forwarding rulesets in the subscriptions read (absent: none read). */
  hub?: HubNetwork;
}

/** A topology holding only the workspace, to be filled by the readers (or a generator). */
export function emptyTopology(cloud: Cloud, workspace: Topology["workspace"], agentVnetId: string | undefined): Topology {
  return {
    cloud,
    workspace,
    dependencies: {},
    computes: [],
    vnets: new IdMap(),
    nsgs: new IdMap(),
    routeTables: new IdMap(),
    natGateways: new IdMap(),
    privateEndpoints: [],
    zoneGroups: new Map(),
    endpointNics: new IdMap(),
    zones: new Map(),
    agentVnetId,
    attachedVms: new Map(),
    unreadableSubscriptions: new Map(),
  };
}

/**
 * What Azure counts as VirtualNetwork for NSG rules on a subnet, read from the topology alone: its VNet's address
 * space, Connected peers' and its route table's UDR prefixes (PathModel.virtualNetworkPrefixes is the routed version).
 */
export function virtualNetworkPrefixes(topology: Topology, where: { vnet?: VirtualNetwork; subnet?: Subnet }): string[] {
  const prefixes = [...(where.vnet?.addressSpace?.addressPrefixes ?? [])];
  for (const peering of where.vnet?.virtualNetworkPeerings ?? [])
    if (peering.peeringState === "Connected") prefixes.push(...(peering.remoteAddressSpace?.addressPrefixes ?? []));
  for (const route of topology.routeTables.get(where.subnet?.routeTable?.id)?.routes ?? [])
    if (route.addressPrefix && /^\d/.test(route.addressPrefix)) prefixes.push(route.addressPrefix);
  return prefixes;
}
