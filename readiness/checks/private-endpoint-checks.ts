import type { PrivateEndpoint } from "@azure/arm-network";
import type { GenericResource } from "@azure/arm-resources";
import { idParts, shortName, sameId } from "../topology/arm-id";
import { connectionsOf, workspaceEndpoints } from "../topology/read-topology";
import type { Topology } from "../topology/topology";
import { managedNetworkEnabled } from "./compute-checks";
import { approveConnectionCommand } from "./fixes";
import type { CheckRecorder, Problem } from "./recorder";

interface RequiredEndpoint {
  target: { id?: string; name?: string; type?: string } | undefined;
  groupId: string;
  label: string;
}

function requiredEndpoints(topology: Topology): RequiredEndpoint[] {
  const d = topology.dependencies;
  const list: RequiredEndpoint[] = [
    { target: topology.workspace, groupId: "amlworkspace", label: "workspace" },
    { target: d.storage, groupId: "blob", label: "storage blob" },
    { target: d.storage, groupId: "file", label: "storage file" },
    { target: d.vault, groupId: "vault", label: "Key Vault" },
  ];
  if (d.registry) list.push({ target: d.registry, groupId: "registry", label: "container registry" });
  return list;
}

/** The connection resource on the target that approves or rejects `endpointId`. */
function targetConnectionId(target: GenericResource | undefined, endpointId: string | undefined): string | undefined {
  const connections = (
    target?.properties as { privateEndpointConnections?: Array<{ id?: string; properties?: { privateEndpoint?: { id?: string } } }> } | undefined
  )?.privateEndpointConnections;
  return connections?.find((c) => sameId(c.properties?.privateEndpoint?.id, endpointId))?.id;
}

/**
 * Endpoints for the workspace, storage blob and file, registry and vault exist and are Approved. (Whether each source
 * reaches them is the path checks' question.) With a managed network the managed computes reach storage, vault and
 * registry through the workspace's own managed endpoints: only the workspace endpoint is demanded, for the agents.
 */
export function checkPrivateEndpoints(topology: Topology, recorder: CheckRecorder): void {
  checkRequiredEndpoints(topology, workspaceEndpoints(topology), recorder);
}

function checkRequiredEndpoints(topology: Topology, endpoints: PrivateEndpoint[], recorder: CheckRecorder): void {
  for (const required of requiredEndpoints(topology)) {
    if (!required.target?.id) continue;
    if (managedNetworkEnabled(topology) && required.groupId !== "amlworkspace") continue;
    const targetId = required.target.id;
    const matching = endpoints.filter((e) =>
      connectionsOf(e).some((c) => sameId(c.privateLinkServiceId, targetId) && (c.groupIds ?? []).some((g) => g.toLowerCase() === required.groupId)),
    );
    const spec = {
      id: `private-endpoint.exists:${required.groupId}:${shortName(targetId)}`,
      category: "private-endpoint" as const,
      title: `${required.label} ${shortName(targetId)} has a private endpoint for '${required.groupId}'`,
      resourceId: targetId,
    };
    if (matching.length === 0) {
      const subnetHint = endpoints[0]?.subnet?.id ?? "<endpoint subnet ID>";
      const groupHint = endpoints[0]?.id ? idParts(endpoints[0].id).resourceGroup : idParts(topology.workspace.id).resourceGroup;
      recorder.record(spec, [
        {
          severity: "error",
          message: `No private endpoint connects to ${required.label} ${shortName(targetId)} (sub-resource '${required.groupId}'): agents and computes in the VNet would reach it over its public endpoint, or not at all when public access is disabled.`,
          fix: `az network private-endpoint create --name pe-${shortName(targetId)}-${required.groupId} --resource-group ${groupHint} --subnet ${subnetHint} --private-connection-resource-id ${targetId} --group-id ${required.groupId} --connection-name ${shortName(targetId)}-${required.groupId}`,
        },
      ]);
      continue;
    }
    recorder.record(spec);
    for (const endpoint of matching) {
      const connection = connectionsOf(endpoint).find((c) => sameId(c.privateLinkServiceId, targetId));
      const approved: Problem[] =
        connection?.status === "Approved"
          ? []
          : [
              {
                severity: "error",
                message: `Private endpoint ${endpoint.name} to ${shortName(targetId)} is '${connection?.status ?? "unknown"}', not Approved: no traffic flows through it until the owner of ${shortName(targetId)} approves it.`,
                fix: approveConnectionCommand(targetConnectionId(required.target, endpoint.id) ?? `${targetId}/privateEndpointConnections/<connection name>`),
                resourceId: targetConnectionId(required.target, endpoint.id) ?? targetId,
              },
            ];
      recorder.record(
        {
          id: `private-endpoint.approved:${shortName(endpoint.id)}`,
          category: "private-endpoint",
          title: `private endpoint ${endpoint.name} is Approved`,
          resourceId: endpoint.id as string,
        },
        approved,
      );
    }
  }
}
