/**
 * The path model's vocabulary: where traffic starts (a source: any subnet — an AML compute's, the agents', later an
 * AKS node pool's), where it must arrive (a private endpoint's IP and port), the hops it crosses, and the one hop
 * that breaks it. Other parts of the engine extend the model through {@link PathExtensions} instead of copying it.
 */
import type { NetworkSecurityGroup, PrivateEndpoint, Subnet, VirtualNetwork } from "@azure/arm-network";
import type { Severity } from "../finding";
import type { Topology } from "../topology/topology";

export interface PathSource {
  /** Stable, short, for check IDs: a compute's name, or "agents". */
  key: string;
  /** For people: "gpu-cluster (snet-compute in vnet-compute)". */
  label: string;
  /** What the finding is about when the source itself is at fault: the compute, or the agent VNet. */
  resourceId: string;
  subnetId: string;
  vnetId: string;
  subnet?: Subnet;
  vnet?: VirtualNetwork;
  /** NSG on the source's NICs (evaluated before the subnet's NSG outbound). */
  nicNsg?: NetworkSecurityGroup;
}

export interface PathTarget {
  endpoint: PrivateEndpoint;
  /** The endpoint's name, e.g. "pe-st-blob". */
  name: string;
  /** What the endpoint serves, for people: "storage blob". */
  service: string;
  ip: string;
  port: number;
  subnetId: string;
  vnetId: string;
}

export type HopKind = "source-nsg" | "route" | "peering" | "appliance" | "gateway" | "endpoint-nsg" | "dns";

/** The hop that stops a flow: why (for "<source> cannot reach <target>: <reason>"), the resource to change, the fix. */
export interface BrokenHop {
  kind: HopKind;
  severity: Severity;
  reason: string;
  resourceId: string;
  fix: string;
}

/** A hop the flow crossed, in order: "subnet NSG nsg-agents allows it", "peering vnet-a → vnet-b". */
export interface Hop {
  kind: HopKind;
  description: string;
  resourceId?: string;
}

export interface PathVerdict {
  reachable: boolean;
  hops: Hop[];
  broken?: BrokenHop;
}

/** What an appliance next hop is asked: does the device at `applianceIp` (in `applianceVnetId`) forward this flow? */
export interface ApplianceHopContext {
  topology: Topology;
  source: PathSource;
  target: PathTarget;
  applianceIp: string;
  applianceVnetId: string;
  routeTableId: string;
  routeName: string;
}

/**
 * Judges a virtual appliance (an Azure Firewall, an NVA) the route sends the flow to. `undefined` = forwards it;
 * a BrokenHop = drops it. Without an evaluator, an appliance is assumed to forward (and is judged elsewhere).
 */
export interface ApplianceHopEvaluator {
  evaluate(context: ApplianceHopContext): BrokenHop | undefined;
}

export interface CustomDnsContext {
  topology: Topology;
  vnetId: string;
  /** The VNet's DNS servers (Azure DNS 168.63.129.16 removed). */
  servers: string[];
  /** The private zone whose names must resolve privately, e.g. "privatelink.blob.core.windows.net". */
  zoneName: string;
  zoneId: string;
}

/**
 * Follows a custom DNS chain (a DNS server, a resolver's forwarding rules) for a VNet with its own DNS servers.
 * `undefined` = cannot tell (the model keeps its warning); [] = resolves privately; problems otherwise.
 */
export interface CustomDnsResolver {
  resolve(context: CustomDnsContext): Array<{ severity: Severity; message: string; fix: string; resourceId: string }> | undefined;
}

export interface PathExtensions {
  appliance?: ApplianceHopEvaluator;
  customDns?: CustomDnsResolver;
}
