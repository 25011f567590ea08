import { usableAddressCount } from "../../network/cidr";
import { idParts, sameId, shortName, vnetIdOfSubnet } from "../topology/arm-id";
import { connectionsOf, workspaceEndpoints } from "../topology/read-topology";
import type { Topology } from "../topology/topology";
import type { CheckRecorder, Problem } from "../checks/recorder";
import { ClusterPlace, subnetPrefixes } from "./cluster-place";
import { checkRanges } from "./cluster-ranges";
import { aksProperties } from "./inference-topology";

/**
 * The cluster rules of seed 002 ("Sécuriser un environnement d'inférence ... (v1)"): readable cluster, same region as
 * a private-endpoint workspace, no public FQDN on a private cluster, Kubernetes service range / DNS service IP /
 * docker bridge, and the internal load balancer's subnet.
 */
export function checkClusterSettings(topology: Topology, place: ClusterPlace, recorder: CheckRecorder): boolean {
  const { entry, computeName } = place;
  const base = { category: "inference" as const };
  if (entry.clusterRead || !entry.cluster) {
    const read = entry.clusterRead;
    const arc = !!entry.clusterId && !/\/providers\/Microsoft\.ContainerService\/managedClusters\//i.test(entry.clusterId);
    const problems: Problem[] = !entry.clusterId
      ? []
      : arc
        ? [
            {
              severity: "info",
              message: `Compute ${computeName} runs on ${shortName(entry.clusterId)}, which is not an AKS cluster (Azure Arc-enabled Kubernetes): its network is outside what amlvnet reads, and is NOT checked.`,
              fix: "Check the cluster's network by hand: it must reach the workspace, storage, vault and registry endpoints.",
              resourceId: place.computeId,
            },
          ]
        : read?.status === 404
          ? [
              {
                severity: "error",
                message: `Compute ${computeName} is attached to AKS cluster ${shortName(entry.clusterId)}, which no longer exists: deployments to it fail.`,
                fix: `az ml compute detach --name ${computeName} --workspace-name ${shortName(topology.workspace.id)} --resource-group ${idParts(topology.workspace.id).resourceGroup}, then attach an existing cluster`,
                resourceId: place.computeId,
              },
            ]
          : [
              {
                severity: "warning",
                message: `Cannot read AKS cluster ${shortName(entry.clusterId)} of compute ${computeName}: the identity lacks '${read?.action ?? "Microsoft.ContainerService/managedClusters/read"}', so its network settings, identity and role assignments are NOT checked.`,
                fix: `az role assignment create --assignee <identity running amlvnet> --role Reader --scope ${entry.clusterId}`,
                resourceId: entry.clusterId,
              },
            ];
    if (entry.clusterId)
      recorder.record(
        { ...base, id: `inference.cluster-readable:${computeName}`, title: `AKS cluster of ${computeName} can be read`, resourceId: entry.clusterId },
        problems,
      );
    return false;
  }
  const cluster = entry.cluster;
  const clusterId = cluster.id ?? place.clusterOrComputeId;
  const { resourceGroup, name } = idParts(clusterId);
  const ws = topology.workspace;
  const hasWorkspaceEndpoint = workspaceEndpoints(topology).some((e) => connectionsOf(e).some((c) => sameId(c.privateLinkServiceId, ws.id)));
  recorder.record(
    { ...base, id: `inference.region:${computeName}`, title: `AKS cluster ${name} is in the workspace's region (${ws.location})`, resourceId: clusterId },
    !hasWorkspaceEndpoint || place.region === ws.location
      ? []
      : [
          {
            severity: "error",
            message: `AKS cluster ${name} (compute ${computeName}) is in ${place.region}, the workspace in ${ws.location}: with a private endpoint on the workspace, the AKS cluster must be in the workspace's region.`,
            fix: `Create the cluster in ${ws.location} and attach it in place of this one: az aks create --resource-group ${resourceGroup} --name ${name}-${ws.location} --location ${ws.location} --vnet-subnet-id <subnet in ${ws.location}> --network-plugin azure --service-cidr <free range> --dns-service-ip <.10 of it> && az ml compute attach --name ${computeName}-${ws.location} --type aks --resource-id <new cluster ID> --workspace-name ${shortName(ws.id)} --resource-group ${idParts(ws.id).resourceGroup}`,
          },
        ],
  );
  const api = cluster.apiServerAccessProfile;
  recorder.record(
    { ...base, id: `inference.private-fqdn:${computeName}`, title: `private AKS cluster ${name} has no public FQDN`, resourceId: clusterId },
    api?.enablePrivateCluster && api.enablePrivateClusterPublicFqdn
      ? [
          {
            severity: "error",
            message: `AKS cluster ${name} is private but also publishes a public FQDN (enablePrivateClusterPublicFQDN): Azure Machine Learning does not support a public FQDN with a private AKS cluster.`,
            fix: `az aks update --resource-group ${resourceGroup} --name ${name} --disable-public-fqdn`,
          },
        ]
      : [],
  );
  checkRanges(topology, place, clusterId, recorder);
  checkLoadBalancerType(topology, place, hasWorkspaceEndpoint, recorder);
  checkLoadBalancerSubnet(place, recorder);
  return true;
}

/** Seed 002, "Équilibreur de charge AKS interne": a public scoring IP in front of a private workspace is a warning. */
function checkLoadBalancerType(topology: Topology, place: ClusterPlace, privateWorkspace: boolean, recorder: CheckRecorder): void {
  const type = aksProperties(place.entry).loadBalancerType ?? "PublicIp";
  if (!privateWorkspace) return;
  recorder.record(
    {
      ...base(),
      id: `inference.load-balancer:${place.computeName}`,
      title: `scoring endpoint of ${place.computeName} uses an internal load balancer`,
      resourceId: place.computeId,
    },
    type === "InternalLoadBalancer"
      ? []
      : [
          {
            severity: "warning",
            message: `AKS compute ${place.computeName} serves its scoring endpoint on a public load balancer while workspace ${shortName(topology.workspace.id)} is behind a private endpoint: scoring traffic leaves the VNet. An internal load balancer gives the endpoint a private IP in ${shortName(place.subnetId)}.`,
            fix: `Set properties.properties.loadBalancerType=InternalLoadBalancer and properties.properties.loadBalancerSubnet=${place.subnet?.name ?? "<subnet of the cluster's VNet>"} on compute ${place.computeName} (SDK v1: AksCompute.attach_configuration(load_balancer_type="InternalLoadBalancer", load_balancer_subnet="${place.subnet?.name ?? "<subnet>"}"))`,
          },
        ],
  );
}

function checkLoadBalancerSubnet(place: ClusterPlace, recorder: CheckRecorder): void {
  const props = aksProperties(place.entry);
  if (props.loadBalancerType !== "InternalLoadBalancer") return;
  const wanted = props.loadBalancerSubnet ?? place.subnet?.name;
  const vnet = place.vnet;
  const subnet = vnet?.subnets?.find((s) => sameId(s.name, wanted) || sameId(s.id, wanted));
  const spec = {
    ...base(),
    id: `inference.ilb-subnet:${place.computeName}`,
    title: `internal load balancer subnet ${wanted ?? "(none)"} of ${place.computeName} exists with free addresses`,
    resourceId: place.computeId,
  };
  if (!vnet) return;
  if (!subnet) {
    const { subscriptionId, resourceGroup } = idParts(vnet.id ?? "");
    recorder.record(spec, [
      {
        severity: "error",
        message: `Compute ${place.computeName} uses an internal load balancer in subnet '${wanted ?? "(none)"}', which does not exist in ${vnet.name}: the scoring endpoint gets no private IP.`,
        fix: `az network vnet subnet create --subscription ${subscriptionId} --resource-group ${resourceGroup} --vnet-name ${vnet.name} --name ${wanted ?? "snet-scoring"} --address-prefixes <free range in ${(vnet.addressSpace?.addressPrefixes ?? []).join(", ")}>`,
      },
    ]);
    return;
  }
  const prefix = subnetPrefixes(subnet)[0] ?? "0.0.0.0/32";
  const free = usableAddressCount(prefix) - (subnet.ipConfigurations?.length ?? 0);
  recorder.record(
    { ...spec, resourceId: subnet.id ?? place.computeId },
    free > 0
      ? []
      : [
          {
            severity: "error",
            message: `Subnet ${subnet.name} (${prefix}) of the internal load balancer of ${place.computeName} has no free address: the scoring endpoint cannot get a private IP.`,
            fix: `Free addresses in ${subnet.name} or point loadBalancerSubnet at a larger subnet of ${shortName(vnetIdOfSubnet(subnet.id ?? ""))}.`,
          },
        ],
  );
}

function base(): { category: "inference" } {
  return { category: "inference" };
}
