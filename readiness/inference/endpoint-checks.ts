import { linkZoneCommand, peeringCommand } from "../checks/fixes";
import type { CheckRecorder, Problem } from "../checks/recorder";
import { idParts, sameId, shortName, vnetIdOfSubnet } from "../topology/arm-id";
import { connectionsOf, workspaceEndpoints } from "../topology/read-topology";
import type { Topology } from "../topology/topology";
import type { InferenceEndpoint } from "./inference-topology";
import { vnetsConnected } from "./path-checks";

const WORKSPACE_ZONE = "privatelink.api.azureml.ms";

/**
 * Managed online endpoints with publicNetworkAccess Disabled are only reached through the workspace's private endpoint
 * (the scoring name `<endpoint>.<region>.inference.ml.azure.com` is on its NIC, in privatelink.api.azureml.ms): the
 * callers — the agents — need that endpoint reachable and the zone linked to their VNet.
 */
export function checkOnlineEndpoint(topology: Topology, item: InferenceEndpoint, recorder: CheckRecorder): void {
  const endpoint = item.endpoint;
  const access = (endpoint.properties as { publicNetworkAccess?: string } | undefined)?.publicNetworkAccess;
  if (access !== "Disabled") return;
  const spec = {
    id: `inference.online-endpoint:${endpoint.name}`,
    category: "inference" as const,
    title: `agents reach online endpoint ${endpoint.name} (public access disabled) through the workspace's private endpoint`,
    resourceId: endpoint.id,
  };
  const agentVnetId = topology.agentVnetId;
  if (!agentVnetId) {
    recorder.record(spec, [
      {
        severity: "warning",
        message: `Online endpoint ${endpoint.name} has public network access disabled; without --agent-vnet, whether its callers reach it is NOT checked.`,
        fix: "Run the check with --agent-vnet <the callers' VNet ID>.",
      },
    ]);
    return;
  }
  const wsEndpoints = workspaceEndpoints(topology).filter((e) =>
    connectionsOf(e).some((c) => sameId(c.privateLinkServiceId, topology.workspace.id) && c.status === "Approved"),
  );
  const reached = wsEndpoints.find((e) => e.subnet?.id && vnetsConnected(topology, agentVnetId, vnetIdOfSubnet(e.subnet.id)));
  const problems: Problem[] = [];
  if (!reached) {
    const where = wsEndpoints[0]?.subnet?.id ? vnetIdOfSubnet(wsEndpoints[0].subnet.id) : undefined;
    problems.push({
      severity: "error",
      message: `Online endpoint ${endpoint.name} has public network access disabled, and the agent VNet ${shortName(agentVnetId)} reaches no Approved private endpoint of workspace ${shortName(topology.workspace.id)}: scoring calls from the agents fail.`,
      fix: where
        ? `${peeringCommand(agentVnetId, where)} && ${peeringCommand(where, agentVnetId)}`
        : `az network private-endpoint create --name pe-${shortName(topology.workspace.id)}-agents --resource-group ${idParts(agentVnetId).resourceGroup} --vnet-name ${shortName(agentVnetId)} --subnet <agent subnet> --private-connection-resource-id ${topology.workspace.id} --group-id amlworkspace --connection-name agents`,
    });
  }
  const zone = [...topology.zones.values()].find((z) => z.name.toLowerCase() === WORKSPACE_ZONE && z.zone);
  const linked = zone?.links.some((l) => sameId(l.virtualNetwork?.id, agentVnetId));
  if (!linked) {
    problems.push({
      severity: "error",
      message: `Online endpoint ${endpoint.name} has public network access disabled, and ${WORKSPACE_ZONE} ${zone ? "is not linked to" : "does not exist for"} the agent VNet ${shortName(agentVnetId)}: its scoring name resolves to a public address the agents cannot use.`,
      fix: zone
        ? linkZoneCommand(zone.id, agentVnetId)
        : `az network private-dns zone create --resource-group ${idParts(topology.workspace.id).resourceGroup} --name ${WORKSPACE_ZONE}, then link it to ${agentVnetId}`,
    });
  }
  recorder.record(spec, problems);
}

/**
 * Seed 002, "Limites": with a private endpoint on the workspace, deploying to Azure Container Instances in a VNet is
 * not supported; a managed online endpoint with network isolation is the replacement.
 */
export function checkAciTarget(topology: Topology, name: string, recorder: CheckRecorder): void {
  const ws = topology.workspace;
  const privateWorkspace = workspaceEndpoints(topology).some((e) => connectionsOf(e).some((c) => sameId(c.privateLinkServiceId, ws.id)));
  const { resourceGroup } = idParts(ws.id);
  const endpointName = name.includes(":") ? name.split(":")[1] : "scoring";
  recorder.record(
    {
      id: `inference.aci:${name}`,
      category: "inference",
      title: `deployment target ${name} (Azure Container Instances) is supported by this workspace`,
      resourceId: ws.id,
    },
    privateWorkspace
      ? [
          {
            severity: "error",
            message: `Target ${name} deploys to Azure Container Instances, which is not supported in a VNet when the workspace (${shortName(ws.id)}) has a private endpoint. Use a managed online endpoint with network isolation instead.`,
            fix: `az ml online-endpoint create --name ${endpointName} --workspace-name ${shortName(ws.id)} --resource-group ${resourceGroup} --set public_network_access=disabled`,
          },
        ]
      : [],
  );
}

/** Reads that failed for the whole workspace: a warning naming the permission, never a silent pass. */
export function checkEndpointsRead(topology: Topology, recorder: CheckRecorder): void {
  const read = topology.inference?.endpointsRead;
  if (!read) return;
  recorder.record(
    {
      id: "inference.online-endpoints-readable",
      category: "inference",
      title: "the workspace's online endpoints can be listed",
      resourceId: topology.workspace.id,
    },
    [
      {
        severity: "warning",
        message: `Cannot list the online endpoints of ${shortName(topology.workspace.id)}: the identity lacks '${read.action ?? "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read"}', so they are NOT checked.`,
        fix: `az role assignment create --assignee <identity running amlvnet> --role Reader --scope ${topology.workspace.id}`,
      },
    ],
  );
}
