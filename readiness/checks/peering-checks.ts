import { overlappingPairs } from "../../network/cidr";
import { shortName, vnetIdOfSubnet } from "../topology/arm-id";
import { workspaceEndpoints } from "../topology/read-topology";
import type { Topology } from "../topology/topology";
import { peeringCommand, peeringSyncCommand, peeringUpdateCommand } from "./fixes";
import { peeringBetween } from "../path/peering";
import type { PathModel } from "../path/path-model";
import { agentSources } from "../path/sources";
import { endpointFlows } from "../path/targets";
import type { CheckRecorder, Problem } from "./recorder";

/** Deleting a Disconnected peering is idempotent (deleting it again changes nothing), so every fix may start with it. */
const deleteCommand = (peeringId: string): string => `az network vnet peering delete --ids ${peeringId}`;

/**
 * The agent VNet and every VNet holding the workspace's endpoints are peered both ways, Connected, in sync, with
 * access allowed; unless the agents reach that VNet through an appliance in a hub (transit, judged by the path checks).
 */
export function checkPeering(topology: Topology, recorder: CheckRecorder, model?: PathModel): void {
  const agentId = topology.agentVnetId;
  const agent = topology.vnets.get(agentId);
  if (!agentId || !agent) return;
  const endpointVnetIds = new Map<string, string>();
  for (const endpoint of workspaceEndpoints(topology)) {
    if (endpoint.subnet?.id) {
      const id = vnetIdOfSubnet(endpoint.subnet.id);
      endpointVnetIds.set(id.toLowerCase(), id);
    }
  }
  endpointVnetIds.delete(agentId.toLowerCase());
  if (model)
    for (const key of [...endpointVnetIds.keys()])
      if (reachedThroughAppliance(topology, model, endpointVnetIds.get(key) as string)) endpointVnetIds.delete(key);
  for (const remoteId of endpointVnetIds.values()) {
    const remote = topology.vnets.get(remoteId);
    const overlap = overlappingPairs(agent.addressSpace?.addressPrefixes ?? [], remote?.addressSpace?.addressPrefixes ?? []);
    recorder.record(
      {
        id: `peering.no-overlap:${shortName(agentId)}:${shortName(remoteId)}`,
        category: "peering",
        title: `address spaces of ${shortName(agentId)} and ${shortName(remoteId)} do not overlap`,
        resourceId: agentId,
      },
      overlap.length === 0
        ? []
        : [
            {
              severity: "error",
              message: `The agent VNet ${shortName(agentId)} and ${shortName(remoteId)} have overlapping address spaces (${overlap.map(([a, b]) => `${a} overlaps ${b}`).join("; ")}): Azure cannot peer them, so the agents can never reach the private endpoints.`,
              fix: `Move the agents to a VNet whose address space does not overlap ${(remote?.addressSpace?.addressPrefixes ?? []).join(", ")} (amlvnet apply with network.vnet.addressSpace set to a free range), then peer it.`,
            },
          ],
    );
    if (overlap.length) continue;
    for (const [from, fromId, toId] of [
      [agent, agentId, remoteId],
      [remote, remoteId, agentId],
    ] as const) {
      const peering = peeringBetween(from, toId);
      const spec = {
        id: `peering.connected:${shortName(fromId)}:${shortName(toId)}`,
        category: "peering" as const,
        title: `${shortName(fromId)} is peered to ${shortName(toId)}, Connected, in sync, with network access`,
        resourceId: peering?.id ?? fromId,
      };
      const problems: Problem[] = [];
      if (!peering) {
        // Azure refuses a new peering while the one coming back is Disconnected (RemotePeeringIsDisconnected): the
        // fix first deletes that one (its own fix re-creates it), so the fixes work in whichever order they are applied.
        const back = peeringBetween(from === agent ? remote : agent, fromId);
        const disconnected = back?.peeringState === "Disconnected" ? back : undefined;
        problems.push({
          severity: "error",
          message: `${shortName(fromId)} has no peering to ${shortName(toId)}: peering must exist in both directions for traffic to flow.${disconnected ? ` Azure refuses to create it while ${disconnected.name} on ${shortName(toId)} is Disconnected; the fix deletes that one first.` : ""}`,
          fix: (disconnected ? `${deleteCommand(disconnected.id as string)} && ` : "") + peeringCommand(fromId, toId),
          resourceId: fromId,
        });
      } else {
        if (peering.peeringState !== "Connected") {
          // Azure: "Update or re-create the remote peering to get it back to Initiated state" (RemotePeeringIsDisconnected).
          const remedy =
            peering.peeringState === "Disconnected"
              ? `${deleteCommand(peering.id as string)} && ${peeringCommand(fromId, toId)}`
              : peeringCommand(toId, fromId);
          problems.push({
            severity: "error",
            message: `Peering ${peering.name} from ${shortName(fromId)} to ${shortName(toId)} is ${peering.peeringState}, not Connected${peering.peeringState === "Initiated" ? ` (the peering from ${shortName(toId)} back is missing)` : ""}.`,
            fix: remedy,
          });
        }
        if (peering.allowVirtualNetworkAccess === false) {
          problems.push({
            severity: "error",
            message: `Peering ${peering.name} has allowVirtualNetworkAccess=false: ${shortName(toId)} cannot reach ${shortName(fromId)} through it.`,
            fix: peeringUpdateCommand(peering.id as string, "allowVirtualNetworkAccess=true"),
          });
        }
        if (peering.peeringState === "Connected" && peering.peeringSyncLevel && peering.peeringSyncLevel !== "FullyInSync") {
          problems.push({
            severity: "warning",
            message: `Peering ${peering.name} is ${peering.peeringSyncLevel}: an address space changed and the peering does not route the new prefixes yet.`,
            fix: peeringSyncCommand(peering.id as string),
          });
        }
      }
      recorder.record(spec, problems);
    }
  }
}

/** Whether the agents' route to the endpoints in `vnetId` goes through a virtual appliance (hub transit). */
function reachedThroughAppliance(topology: Topology, model: PathModel, vnetId: string): boolean {
  const target = endpointFlows(topology, "agent")
    .flatMap((f) => f.targets)
    .find((t) => t.vnetId.toLowerCase() === vnetId.toLowerCase());
  if (!target) return false;
  return agentSources(topology).some((source) => model.routeHop(source, target) === "VirtualAppliance");
}
