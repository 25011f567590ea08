/**
 * Every compute of the workspace, as the path model sees it: where it runs (its subnet, or none), where it is
 * (its region), and why its network cannot be judged when it cannot. AmlCompute and ComputeInstance name their
 * subnet; an attached VirtualMachine runs in its NICs' subnet, behind its NIC's NSG. Other kinds (AKS, Kubernetes)
 * become sources the same way, through {@link subnetSource}.
 */
import type { ComputeResource } from "@azure/arm-machinelearning";
import type { NetworkSecurityGroup } from "@azure/arm-network";
import { idParts, shortName, vnetIdOfSubnet } from "../topology/arm-id";
import { computeSubnetId } from "../topology/read-topology";
import type { Topology } from "../topology/topology";
import { subnetSource } from "./sources";
import type { PathSource } from "./types";

export const JUDGED_KINDS = ["AmlCompute", "ComputeInstance", "VirtualMachine"] as const;
export type JudgedKind = (typeof JUDGED_KINDS)[number];

export interface JudgedCompute {
  compute: ComputeResource;
  id: string;
  name: string;
  kind: JudgedKind;
  /** Normalised region ("westeurope"), or "" when the compute does not say. */
  location: string;
  subnetId?: string;
  nicNsg?: NetworkSecurityGroup;
  /** Set when the compute's network cannot be read: the missing permission or the missing resource. */
  unreadable?: string;
  /** Set when the subnet was read: the path model's source for this compute. */
  source?: PathSource;
}

function region(value: string | undefined): string {
  return (value ?? "").replace(/\s+/g, "").toLowerCase();
}

function attachedVmNetwork(topology: Topology, compute: ComputeResource): Partial<Pick<JudgedCompute, "subnetId" | "nicNsg" | "unreadable" | "location">> {
  const vm = topology.attachedVms.get((compute.id ?? "").toLowerCase());
  if (!vm) return { unreadable: `attached VirtualMachine compute ${compute.name} names no VM (properties.resourceId)` };
  if (vm.unreadable) return { unreadable: vm.unreadable };
  const nic = vm.nics[0];
  const subnetId = nic?.ipConfigurations?.find((c) => c.subnet?.id)?.subnet?.id;
  return { subnetId, nicNsg: topology.nsgs.get(nic?.networkSecurityGroup?.id), location: region(vm.location) };
}

/** The computes this engine judges (AmlCompute, ComputeInstance, attached VirtualMachine), each with its network. */
export function judgedComputes(topology: Topology): JudgedCompute[] {
  const judged: JudgedCompute[] = [];
  for (const compute of topology.computes) {
    const kind = JUDGED_KINDS.find((k) => k === compute.properties?.computeType);
    if (!kind || !compute.id) continue;
    const entry: JudgedCompute = {
      compute,
      id: compute.id,
      name: compute.name ?? shortName(compute.id),
      kind,
      location: region(compute.properties?.computeLocation ?? compute.location),
    };
    if (kind === "VirtualMachine") {
      const network = attachedVmNetwork(topology, compute);
      Object.assign(entry, { subnetId: network.subnetId, nicNsg: network.nicNsg, unreadable: network.unreadable });
      entry.location ||= network.location ?? "";
    } else {
      entry.subnetId = computeSubnetId(compute);
    }
    if (entry.subnetId && !entry.unreadable) {
      const vnetId = vnetIdOfSubnet(entry.subnetId);
      const denied = topology.unreadableSubscriptions.get(idParts(entry.subnetId).subscriptionId);
      if (denied) entry.unreadable = denied;
      else if (topology.vnets.get(vnetId)) entry.source = subnetSource(topology, entry.subnetId, entry.name, entry.name, entry.id, entry.nicNsg);
    }
    judged.push(entry);
  }
  return judged;
}
