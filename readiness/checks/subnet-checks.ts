import { usableAddressCount } from "../../network/cidr";
import { idParts, shortName } from "../topology/arm-id";
import type { Topology } from "../topology/topology";
import { addressesNeeded, addressesToGrow, computeSubnets, runningNodes } from "./compute-subnets";
import type { CheckRecorder, Problem } from "./recorder";

/** Compute subnets: in the workspace's subscription and region, not delegated, with room for every node. */
export function checkSubnets(topology: Topology, recorder: CheckRecorder): void {
  const ws = topology.workspace;
  const wsSubscription = idParts(ws.id).subscriptionId;
  for (const entry of computeSubnets(topology)) {
    const name = shortName(entry.subnetId);
    const { subnet, vnet } = entry;
    const computeNames = entry.computes.map((c) => c.name).join(", ");
    // A subnet in a subscription this identity cannot list is a warning of the compute checks, not a missing subnet.
    if (topology.unreadableSubscriptions.has(idParts(entry.subnetId).subscriptionId)) continue;
    if (!subnet || !vnet) {
      recorder.record({ id: `subnet.exists:${name}`, category: "subnet", title: `subnet ${name} of ${computeNames} exists`, resourceId: entry.subnetId }, [
        {
          severity: "error",
          message: `Compute ${computeNames} is placed in subnet ${entry.subnetId}, which does not exist (or its VNet could not be read): its nodes cannot start.`,
          fix: `Re-create the subnet, or recreate the compute in an existing subnet: az ml compute create --name <name> --type AmlCompute --vnet-name <vnet> --subnet <subnet> --workspace-name ${ws.name}`,
        },
      ]);
      continue;
    }
    const placement: Problem[] = [];
    if (idParts(entry.subnetId).subscriptionId !== wsSubscription) {
      placement.push({
        severity: "error",
        message: `VNet ${vnet.name} of compute ${computeNames} is in subscription ${idParts(entry.subnetId).subscriptionId}, not the workspace's (${wsSubscription}): AML computes need a VNet in the workspace's subscription.`,
        fix: `Create the compute in a subnet of a VNet in subscription ${wsSubscription}.`,
      });
    }
    if ((vnet.location ?? "").toLowerCase() !== ws.location) {
      placement.push({
        severity: ws.v1LegacyMode ? "error" : "warning",
        message: `VNet ${vnet.name} is in ${vnet.location}, the workspace in ${ws.location}: SDK v1 computes need the VNet in the workspace's region${ws.v1LegacyMode ? " (this workspace is in v1 legacy mode)" : "; v2 computes accept it with extra latency and egress cost"}.`,
        fix: `Create the compute in a subnet of a VNet in ${ws.location}.`,
      });
    }
    recorder.record(
      {
        id: `subnet.placement:${name}`,
        category: "subnet",
        title: `subnet ${name} is in the workspace's subscription and region`,
        resourceId: vnet.id as string,
      },
      placement,
    );
    const delegations = subnet.delegations ?? [];
    recorder.record(
      { id: `subnet.not-delegated:${name}`, category: "subnet", title: `subnet ${name} is not delegated`, resourceId: entry.subnetId },
      delegations.length === 0
        ? []
        : [
            {
              severity: "error",
              message: `Subnet ${name} is delegated to ${delegations.map((d) => d.serviceName).join(", ")}: AML compute cannot be placed in a delegated subnet.`,
              fix: `az network vnet subnet update --ids ${entry.subnetId} --remove delegations`,
            },
          ],
    );
    const usable = usableAddressCount(subnet.addressPrefix ?? subnet.addressPrefixes?.[0] ?? "0.0.0.0/32");
    const used = subnet.ipConfigurations?.length ?? 0;
    const needed = addressesNeeded(entry.computes);
    const running = Math.min(runningNodes(entry.computes), used);
    const toGrow = addressesToGrow(entry.computes);
    const free = usable - used;
    recorder.record(
      { id: `subnet.capacity:${name}`, category: "subnet", title: `subnet ${name} has room for ${needed} compute nodes`, resourceId: entry.subnetId },
      free >= toGrow
        ? []
        : [
            {
              severity: "error",
              message: `Subnet ${name} (${subnet.addressPrefix}) has ${free} free addresses (${usable} usable after Azure's 5 reserved, ${used} in use${running ? `, ${running} of them by running nodes` : ""}) but ${computeNames} can grow to ${needed} nodes, ${toGrow} more addresses: scale-out will fail.`,
              fix: `Use a larger subnet (a /${Math.max(8, 32 - Math.ceil(Math.log2(needed + used - running + 5)))} fits), or lower maxNodeCount: az ml compute update --name ${entry.computes[0].name} --max-instances ${Math.max(0, free + running)} --workspace-name ${ws.name} --resource-group ${idParts(ws.id).resourceGroup}`,
            },
          ],
    );
  }
}
