import type { NetworkSecurityGroup } from "@azure/arm-network";
import { peeringBetween, usablePeering } from "../path/peering";
import type { CheckRecorder, Problem } from "../checks/recorder";
import { evaluateFlow, type NsgFlow } from "../nsg/evaluate";
import { idParts, sameId, shortName, vnetIdOfSubnet } from "../topology/arm-id";
import { connectionsOf, workspaceEndpoints } from "../topology/read-topology";
import type { PathModel } from "../path/path-model";
import { subnetSource } from "../path/sources";
import { endpointFlows } from "../path/targets";
import { type Topology, virtualNetworkPrefixes } from "../topology/topology";
import { ClusterPlace, subnetPrefixes } from "./cluster-place";
import { aksProperties } from "./inference-topology";

/** Same VNet, or usable peering both ways (the online endpoint check's question about the agents). */
export function vnetsConnected(topology: Topology, fromVnetId: string | undefined, toVnetId: string | undefined): boolean {
  if (!fromVnetId || !toVnetId) return false;
  if (sameId(fromVnetId, toVnetId)) return true;
  return usablePeering(peeringBetween(topology.vnets.get(fromVnetId), toVnetId)) && usablePeering(peeringBetween(topology.vnets.get(toVnetId), fromVnetId));
}

interface Target {
  label: string;
  id?: string;
  groupId: string;
  /** Subnet service endpoint that also reaches it (seed 002: "points de terminaison privés ou de service"). */
  serviceEndpoint?: string;
}

function targets(topology: Topology): Target[] {
  const d = topology.dependencies;
  return [
    { label: "workspace", id: topology.workspace.id, groupId: "amlworkspace" },
    { label: "storage", id: d.storage?.id, groupId: "blob", serviceEndpoint: "Microsoft.Storage" },
    { label: "Key Vault", id: d.vault?.id, groupId: "vault", serviceEndpoint: "Microsoft.KeyVault" },
    { label: "container registry", id: d.registry?.id, groupId: "registry", serviceEndpoint: "Microsoft.ContainerRegistry" },
  ].filter((t) => !!t.id);
}

/** Priorities the fixes of this run already use, per NSG and direction, so two fixes applied together do not collide. */
const takenByFixes = new WeakMap<NetworkSecurityGroup, Set<string>>();

function ruleFix(nsg: NetworkSecurityGroup, direction: "Inbound" | "Outbound", before: number | undefined, name: string, remote: string, port: number): string {
  const taken = takenByFixes.get(nsg) ?? new Set<string>();
  takenByFixes.set(nsg, taken);
  const used = new Set((nsg.securityRules ?? []).filter((r) => r.direction === direction).map((r) => r.priority));
  let priority = Math.min((before ?? 4097) - 1, 4096);
  while (priority > 100 && (used.has(priority) || taken.has(`${direction}:${priority}`))) priority--;
  taken.add(`${direction}:${priority}`);
  const { subscriptionId, resourceGroup, name: nsgName } = idParts(nsg.id ?? "");
  const prefixes =
    direction === "Outbound"
      ? `--source-address-prefixes VirtualNetwork --destination-address-prefixes ${remote}`
      : `--source-address-prefixes ${remote} --destination-address-prefixes VirtualNetwork`;
  return `az network nsg rule create --subscription ${subscriptionId} --resource-group ${resourceGroup} --nsg-name ${nsgName} --name ${name} --priority ${priority} --direction ${direction} --access Allow --protocol Tcp ${prefixes} --source-port-ranges '*' --destination-port-ranges ${port}`;
}

/** Evaluates one TCP flow on the cluster subnet's NSG; a problem naming the blocking rule when it is denied. */
function nsgProblem(topology: Topology, place: ClusterPlace, flow: NsgFlow, what: string, ruleName: string): Problem[] {
  const nsg = place.nsg;
  if (!nsg?.id || !place.subnet) return [];
  const verdict = evaluateFlow(flow, {
    subnetNsg: nsg,
    localPrefixes: subnetPrefixes(place.subnet),
    vnetPrefixes: virtualNetworkPrefixes(topology, place),
    region: place.region,
  });
  const remote = "tag" in flow.remote ? flow.remote.tag : flow.remote.cidr;
  if (verdict.allowed)
    return verdict.uncertain
      ? [
          {
            severity: "warning",
            message: `Cannot verify ${what} for AKS compute ${place.computeName}: ${verdict.uncertain}`,
            fix: ruleFix(nsg, flow.direction, undefined, ruleName, remote, flow.port),
            resourceId: nsg.id,
          },
        ]
      : [];
  const blocker = verdict.blockedBy;
  return [
    {
      severity: "error",
      message: `NSG ${nsg.name} on ${shortName(place.subnetId)} blocks ${what} for AKS compute ${place.computeName}: rule ${blocker?.ruleName ?? "(default)"} (priority ${blocker?.priority ?? "?"}) denies ${flow.direction.toLowerCase()} TCP ${flow.port} ${flow.direction === "Outbound" ? "to" : "from"} ${remote}.`,
      fix: ruleFix(nsg, flow.direction, blocker?.priority, ruleName, remote, flow.port),
      resourceId: nsg.id,
    },
  ];
}

/** Hops whose resource is itself at fault (an NSG rule, a route, an appliance): reported on that resource. */
const OWN_FINDING = new Set(["source-nsg", "endpoint-nsg", "route", "appliance", "gateway", "dns"]);

/**
 * The workspace, storage, vault and registry reached from the cluster's subnet, judged by the path model (NSGs,
 * routes, peering, hub appliances): a broken NSG, route or appliance is an error on that resource; no way through
 * (no peering, no endpoint) is one error on the compute listing what it cannot reach.
 */
export function checkClusterPaths(topology: Topology, place: ClusterPlace, recorder: CheckRecorder, model: PathModel): void {
  const vnetId = place.subnetId ? vnetIdOfSubnet(place.subnetId) : undefined;
  const name = place.computeName;
  if (!place.subnetId || !place.vnet || !place.subnet) {
    recorder.record(
      {
        id: `inference.subnet:${name}`,
        category: "inference",
        title: `subnet of AKS compute ${name} can be read`,
        resourceId: place.subnetId ? place.clusterOrComputeId : place.computeId,
      },
      [
        {
          severity: place.subnetId ? "warning" : workspaceEndpoints(topology).length > 0 ? "error" : "info",
          message: place.subnetId
            ? `Subnet ${place.subnetId} of AKS compute ${name} could not be read: its reachability to the workspace's private endpoints is NOT checked.`
            : `AKS compute ${name} runs in a VNet AKS manages itself (no vnetSubnetID): it reaches none of the workspace's private endpoints, so deployments to it cannot reach the workspace, storage, vault or registry.`,
          fix: place.subnetId
            ? `Grant the identity running amlvnet Reader on ${place.subnetId}`
            : `Create the cluster in a subnet of a VNet that reaches the workspace's private endpoints (az aks create --vnet-subnet-id ...) and attach it.`,
        },
      ],
    );
    return;
  }
  const source = subnetSource(topology, place.subnetId, name, `AKS compute ${name}`, place.computeId);
  const flows = endpointFlows(topology, "agent");
  const serviceEndpoints = (place.subnet.serviceEndpoints ?? []).map((s) => (s.service ?? "").toLowerCase());
  const unreachable: string[] = [];
  const fixes: string[] = [];
  for (const target of targets(topology)) {
    const candidates = flows.filter((f) => f.groupId === target.groupId && connectionsOf(f.endpoint).some((c) => sameId(c.privateLinkServiceId, target.id)));
    const viaServiceEndpoint = !!target.serviceEndpoint && serviceEndpoints.includes(target.serviceEndpoint.toLowerCase());
    const judged = candidates.flatMap((f) => f.targets.map((t) => ({ flow: f, target: t, verdict: model.reach(source, t) })));
    // An endpoint serves when every IP of it answers (a registry's data endpoint has its own IP).
    const reached = candidates.some((f) => f.targets.length > 0 && judged.every((j) => j.flow !== f || j.verdict.reachable));
    const spec = {
      id: `inference.egress:${name}:${target.groupId}`,
      category: "inference" as const,
      title: `AKS compute ${name} reaches the ${target.label} private endpoint on TCP 443`,
      resourceId: place.computeId,
    };
    if (reached || viaServiceEndpoint) {
      if (judged.length) recorder.record(spec);
      continue;
    }
    const broken = judged.find((j) => j.verdict.broken)?.verdict.broken;
    if (broken && OWN_FINDING.has(broken.kind)) {
      const failed = judged.find((j) => j.verdict.broken === broken);
      recorder.record({ ...spec, resourceId: broken.resourceId }, [
        {
          severity: broken.severity,
          message: `AKS compute ${name} (${shortName(place.subnetId)}) cannot reach the ${target.label} private endpoint ${failed?.flow.endpoint.name} ${failed?.target.ip}:443: ${broken.reason}.`,
          fix: broken.fix,
          resourceId: broken.resourceId,
        },
      ]);
      continue;
    }
    const where = [...new Set(candidates.map((c) => shortName(c.endpoint.subnet?.id ? vnetIdOfSubnet(c.endpoint.subnet.id) : undefined)))];
    unreachable.push(
      `${target.label} ${shortName(target.id)}${candidates.length ? ` (its endpoint ${candidates.map((c) => c.endpoint.name).join(", ")} is in ${where.join(", ")}${broken ? `: ${broken.reason}` : ""})` : " (no private endpoint)"}`,
    );
    if (broken?.fix && !fixes.includes(broken.fix)) fixes.push(broken.fix);
  }
  const fix = fixes.length
    ? fixes.join(" && ")
    : `az network private-endpoint create --name pe-<target>-aks --resource-group ${idParts(vnetId as string).resourceGroup} --subnet ${place.subnetId} --private-connection-resource-id <workspace, storage, vault or registry ID> --group-id <amlworkspace|blob|vault|registry> --connection-name aks-<target>`;
  recorder.record(
    {
      id: `inference.endpoints-reachable:${name}`,
      category: "inference",
      title: `AKS compute ${name} reaches the workspace, storage, vault and registry endpoints from ${shortName(vnetId)}`,
      resourceId: place.computeId,
    },
    unreachable.length === 0
      ? []
      : [
          {
            severity: "error",
            message: `AKS compute ${name} runs in ${shortName(vnetId)}, which reaches no private (or service) endpoint for ${unreachable.join("; ")}: the cluster cannot pull images, read models or talk to the workspace.`,
            fix,
          },
        ],
  );
  checkRestrictedEgress(topology, place, recorder);
  checkScoringInbound(topology, place, recorder);
}

/** Seed 002: with restricted outbound, AzureContainerRegistry.<region> (and MCR for system images) must stay allowed. */
function checkRestrictedEgress(topology: Topology, place: ClusterPlace, recorder: CheckRecorder): void {
  for (const tag of [`AzureContainerRegistry.${place.region}`, `MicrosoftContainerRegistry.${place.region}`]) {
    recorder.record(
      {
        id: `inference.egress:${place.computeName}:${tag.split(".")[0]}`,
        category: "inference",
        title: `NSG lets AKS compute ${place.computeName} reach ${tag} on TCP 443`,
        resourceId: place.nsg?.id ?? place.subnetId ?? place.computeId,
      },
      nsgProblem(
        topology,
        place,
        { direction: "Outbound", protocol: "Tcp", port: 443, remote: { tag } },
        `egress to ${tag} (images are pulled from it)`,
        `Allow${tag.split(".")[0]}Outbound`,
      ),
    );
  }
}

/** Seed 002 step 5: callers outside the VNet (the agents) need an inbound NSG rule to the (internal) scoring IP. */
function checkScoringInbound(topology: Topology, place: ClusterPlace, recorder: CheckRecorder): void {
  const agentVnet = topology.vnets.get(topology.agentVnetId);
  if (!agentVnet || !place.vnet || sameId(agentVnet.id, place.vnet.id)) return;
  const props = aksProperties(place.entry);
  // A public load balancer is reached from outside through its public IP, which no VNet prefix describes.
  if (props.loadBalancerType !== "InternalLoadBalancer") return;
  const port = props.sslConfiguration?.status === "Enabled" ? 443 : 80;
  const source = agentVnet.addressSpace?.addressPrefixes?.[0];
  if (!source) return;
  recorder.record(
    {
      id: `inference.scoring-inbound:${place.computeName}`,
      category: "inference",
      title: `NSG lets the agents (${agentVnet.name}) reach the scoring endpoint of ${place.computeName} on TCP ${port}`,
      resourceId: place.nsg?.id ?? place.subnetId ?? place.computeId,
    },
    nsgProblem(
      topology,
      place,
      { direction: "Inbound", protocol: "Tcp", port, remote: { cidr: source } },
      `inbound scoring calls from the agents (${source})`,
      "AllowScoringInbound",
    ),
  );
}
