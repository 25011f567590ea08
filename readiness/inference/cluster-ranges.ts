import { CidrError, containsAddress, formatIpv4, overlaps, parseCidr, parseIpv4 } from "../../network/cidr";
import { idParts, shortName } from "../topology/arm-id";
import type { Topology } from "../topology/topology";
import type { CheckRecorder } from "../checks/recorder";
import { ClusterPlace, subnetPrefixes } from "./cluster-place";
import { aksProperties } from "./inference-topology";

/**
 * The AKS cluster's own address ranges (seed 002): the Kubernetes service range must overlap no subnet, address space
 * or peered VNet around the cluster, the DNS service IP must be inside it, the docker bridge outside all of them.
 */
function cidrOrUndefined(text: string | undefined, allowHostBits = false): ReturnType<typeof parseCidr> | undefined {
  if (!text) return undefined;
  try {
    return parseCidr(text, { allowHostBits });
  } catch (error) {
    if (error instanceof CidrError) return undefined;
    throw error;
  }
}

/** A /16 in private space overlapping no VNet the check knows of, for the fix's --service-cidr. */
function freeServiceRange(topology: Topology): string {
  const used = topology.vnets
    .values()
    .flatMap((v) => v.addressSpace?.addressPrefixes ?? [])
    .map((p) => cidrOrUndefined(p))
    .filter((c) => !!c);
  for (const base of ["10.0.0.0/8", "172.16.0.0/12"]) {
    const outer = parseCidr(base);
    for (let first = outer.first; first < outer.last; first += 65536) {
      const candidate = parseCidr(`${formatIpv4(first)}/16`);
      if (!used.some((u) => u && overlaps(u, candidate))) return candidate.text;
    }
  }
  return "10.0.0.0/16";
}

interface NamedRange {
  name: string;
  prefix: string;
  /** What to change to move it: a subnet, the VNet (address space) or a peered VNet. */
  owner: { kind: "subnet" | "vnet" | "peer"; id: string };
}

function rangesAround(place: ClusterPlace): NamedRange[] {
  const vnet = place.vnet;
  if (!vnet?.id) return [];
  return [
    ...(vnet.addressSpace?.addressPrefixes ?? []).map((prefix) => ({
      name: `${vnet.name} address space`,
      prefix,
      owner: { kind: "vnet" as const, id: vnet.id as string },
    })),
    ...(vnet.subnets ?? []).flatMap((s) =>
      subnetPrefixes(s).map((prefix) => ({ name: `subnet ${s.name}`, prefix, owner: { kind: "subnet" as const, id: s.id as string } })),
    ),
    ...(vnet.virtualNetworkPeerings ?? []).flatMap((p) =>
      (p.remoteAddressSpace?.addressPrefixes ?? []).map((prefix) => ({
        name: `peered ${shortName(p.remoteVirtualNetwork?.id)}`,
        prefix,
        owner: { kind: "peer" as const, id: p.remoteVirtualNetwork?.id ?? "" },
      })),
    ),
  ];
}

function overlapping(ranges: NamedRange[], range: ReturnType<typeof parseCidr>): NamedRange[] {
  return ranges.filter((r) => {
    const c = cidrOrUndefined(r.prefix);
    return c && overlaps(c, range);
  });
}

/** Moves the clashing ranges out of the way (subnets first; the VNet keeps its other prefixes). */
function clearRangesFix(place: ClusterPlace, clashes: NamedRange[], range: string): string {
  const commands = clashes.filter((c) => c.owner.kind === "subnet").map((c) => `az network vnet subnet delete --ids ${c.owner.id}`);
  const vnet = place.vnet;
  if (vnet?.id && clashes.some((c) => c.owner.kind === "vnet")) {
    const keep = (vnet.addressSpace?.addressPrefixes ?? []).filter((p) => !clashes.some((c) => c.owner.kind === "vnet" && c.prefix === p));
    commands.push(
      keep.length
        ? `az network vnet update --ids ${vnet.id} --address-prefixes ${keep.join(" ")}`
        : `(the whole address space of ${vnet.name} is inside ${range}: recreate the cluster with another range)`,
    );
  }
  for (const c of clashes.filter((x) => x.owner.kind === "peer"))
    commands.push(`(peered ${shortName(c.owner.id)} uses ${c.prefix}: renumber it or remove the peering)`);
  return commands.join(" && ");
}

export function checkRanges(topology: Topology, place: ClusterPlace, clusterId: string, recorder: CheckRecorder): void {
  const { entry, computeName } = place;
  const config = aksProperties(entry).aksNetworkingConfiguration ?? {};
  const profile = entry.cluster?.networkProfile ?? {};
  // The cluster's own range is the truth once it exists (AKS never changes it); the compute's copy is checked too.
  const service = cidrOrUndefined(profile.serviceCidr ?? config.serviceCidr);
  const serviceOwner = profile.serviceCidr ? clusterId : place.computeId;
  const ranges = rangesAround(place);
  if (service) {
    const clashes = overlapping(ranges, service);
    const free = freeServiceRange(topology);
    const { resourceGroup, name } = idParts(clusterId);
    recorder.record(
      {
        category: "inference",
        id: `inference.service-cidr:${computeName}`,
        title: `Kubernetes service range ${service.text} of ${computeName} overlaps no subnet or address space around it`,
        resourceId: serviceOwner,
      },
      clashes.length === 0
        ? []
        : [
            {
              severity: "error",
              message: `Kubernetes service address range ${service.text} of compute ${computeName} overlaps ${clashes.map((c) => `${c.name} ${c.prefix}`).join(", ")}: service IPs shadow real addresses, and AKS refuses upgrades (ServiceCidrOverlapExistingSubnetsCidr). The range cannot be changed on an existing cluster.`,
              fix: `${clearRangesFix(place, clashes, service.text)}   # or recreate the cluster with a free range: az aks create --resource-group ${resourceGroup} --name ${name} --vnet-subnet-id ${place.subnetId ?? "<subnet ID>"} --network-plugin azure --service-cidr ${free} --dns-service-ip ${free.replace(/\.0\/16$/, ".10")}`,
            },
          ],
    );
  }
  const dnsSources = [
    ...(profile.dnsServiceIP && profile.serviceCidr
      ? [{ ip: profile.dnsServiceIP, range: profile.serviceCidr, owner: clusterId, suffix: ":cluster", where: `AKS cluster ${shortName(clusterId)}` }]
      : []),
    ...(config.dnsServiceIP
      ? [
          {
            ip: config.dnsServiceIP,
            range: config.serviceCidr ?? profile.serviceCidr,
            owner: place.computeId,
            suffix: "",
            where: `compute ${computeName} (aksNetworkingConfiguration)`,
          },
        ]
      : []),
  ];
  for (const source of dnsSources) {
    const range = cidrOrUndefined(source.range);
    if (!range) continue;
    let inside = false;
    try {
      inside = containsAddress(range, parseIpv4(source.ip));
    } catch {
      inside = false;
    }
    recorder.record(
      {
        category: "inference",
        id: `inference.dns-service-ip:${computeName}${source.suffix}`,
        title: `DNS service IP ${source.ip} of ${source.where} is inside ${range.text}`,
        resourceId: source.owner,
      },
      inside
        ? []
        : [
            {
              severity: "error",
              message: `Kubernetes DNS service IP ${source.ip} of ${source.where} is outside the service address range ${range.text}: it must be inside it, or cluster DNS cannot be reached.`,
              fix: `Set aksNetworkingConfiguration.dnsServiceIP of ${computeName} to an address inside ${range.text}, e.g. ${formatIpv4(range.first + 10)} (dns_service_ip in the SDK v1 configuration), and attach again.`,
            },
          ],
    );
  }
  const bridge = cidrOrUndefined(config.dockerBridgeCidr, true);
  if (bridge) {
    const clashes = [
      ...overlapping(ranges, bridge),
      ...(service && overlaps(service, bridge) ? [{ name: "the Kubernetes service range", prefix: service.text }] : []),
    ];
    recorder.record(
      {
        category: "inference",
        id: `inference.docker-bridge:${computeName}`,
        title: `docker bridge ${config.dockerBridgeCidr} of ${computeName} is outside every subnet and the service range`,
        resourceId: place.computeId,
      },
      clashes.length === 0
        ? []
        : [
            {
              severity: "error",
              message: `Docker bridge address ${config.dockerBridgeCidr} of compute ${computeName} overlaps ${clashes.map((c) => `${c.name} ${c.prefix}`).join(", ")}: it must be outside every subnet range and the Kubernetes service range.`,
              fix: `Set aksNetworkingConfiguration.dockerBridgeCidr of ${computeName} to a range outside them, e.g. 172.17.0.1/16 (docker_bridge_cidr in the SDK v1 configuration), and attach again.`,
            },
          ],
    );
  }
}
