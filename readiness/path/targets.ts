/** The private endpoints each source must reach, with the IPs and ports of each flow. */
import type { PrivateEndpoint } from "@azure/arm-network";
import { endpointNames } from "../topology/endpoint-names";
import { connectionsOf, workspaceEndpoints } from "../topology/read-topology";
import { vnetIdOfSubnet } from "../topology/arm-id";
import type { Topology } from "../topology/topology";
import type { PathTarget } from "./types";

export type SourceRole = "agent" | "compute";

const SERVICES: Record<string, string> = {
  amlworkspace: "workspace",
  blob: "storage blob",
  file: "storage file",
  vault: "Key Vault",
  registry: "container registry",
};

/** Flows the seeds require: agents → workspace, blob, file, vault, registry on 443; computes the same plus SMB 445 to file. */
function portsFor(groupId: string, role: SourceRole): number[] {
  if (!(groupId in SERVICES)) return [];
  return role === "compute" && groupId === "file" ? [443, 445] : [443];
}

/** Every private IP of an endpoint: its names' IPs (DNS configs, NIC, zone groups' record sets) and its static IP configs. */
export function endpointIps(topology: Topology, endpoint: PrivateEndpoint): string[] {
  const ips = new Set<string>();
  for (const name of endpointNames(topology, endpoint)) for (const ip of name.ips) ips.add(ip);
  for (const config of endpoint.ipConfigurations ?? []) if (config.privateIPAddress) ips.add(config.privateIPAddress);
  return [...ips].filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
}

export interface EndpointFlows {
  endpoint: PrivateEndpoint;
  groupId: string;
  /** One target per IP and port. */
  targets: PathTarget[];
}

/** The workspace's endpoints a source in `role` needs, each with its targets (endpoints whose IP is unknown have none). */
export function endpointFlows(topology: Topology, role: SourceRole): EndpointFlows[] {
  const flows: EndpointFlows[] = [];
  for (const endpoint of workspaceEndpoints(topology)) {
    if (!endpoint.subnet?.id) continue;
    const groupId = (connectionsOf(endpoint).flatMap((c) => c.groupIds ?? [])[0] ?? "").toLowerCase();
    const ports = portsFor(groupId, role);
    if (ports.length === 0) continue;
    const subnetId = endpoint.subnet.id;
    const targets = endpointIps(topology, endpoint).flatMap((ip) =>
      ports.map((port): PathTarget => ({
        endpoint,
        name: endpoint.name ?? "",
        service: SERVICES[groupId],
        ip,
        port,
        subnetId,
        vnetId: vnetIdOfSubnet(subnetId),
      })),
    );
    flows.push({ endpoint, groupId, targets });
  }
  return flows;
}
