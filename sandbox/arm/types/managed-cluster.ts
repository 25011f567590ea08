import { CidrError, containsAddress, overlaps, parseCidr, parseIpv4 } from "../../../network/cidr";
import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import { parentIdOf } from "../resource-id";
import type { ArmContext, ResourceTypeSpec } from "../resource-type";
import type { StoredResource } from "../store";
import { requireEnum } from "./common";
import { SUBNET } from "./virtual-network";
import { asObject, asObjects, asString, asStrings, JsonObject, propertiesOf } from "./wire";

/**
 * Microsoft.ContainerService/managedClusters, shaped after azure-rest-api-specs
 * specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2024-05-01/examples/
 * ManagedClustersCreate_PrivateClusterPublicFQDN.json and ManagedClustersGet.json, typed with
 * @azure/arm-containerservice 24.1.0 (ManagedCluster, ManagedClusterAgentPoolProfile, ContainerServiceNetworkProfile,
 * ManagedClusterAPIServerAccessProfile: flattened there, so the wire body is narrowed field by field here). Refusals:
 * - ServiceCidrOverlapExistingSubnetsCidr, target networkProfile.serviceCIDR, message as quoted in
 *   learn.microsoft.com troubleshoot/azure/azure-kubernetes/create-upgrade-delete/servicecidroverlapexistingsubnetscidr-error
 *   (also Azure/AKS#1117);
 * - a DNS service IP outside the service CIDR: the spec says "It must be within the Kubernetes service address range
 *   specified in serviceCidr"; the code AKS sends for it (InvalidParameter, target networkProfile.dnsServiceIP) is
 *   our best evidence from CLI reports, not a recording.
 */
export const MANAGED_CLUSTER = "Microsoft.ContainerService/managedClusters";

/** AKS's defaults when networkProfile leaves them out (ManagedClustersGet.json: 10.0.0.0/16 and 10.0.0.10). */
const DEFAULT_SERVICE_CIDR = "10.0.0.0/16";
const DEFAULT_DNS_SERVICE_IP = "10.0.0.10";

function invalid(code: string, message: string, target: string): ArmError {
  const error = new ArmError(400, code, message);
  // AKS errors carry a target; ArmError's body has no slot for it, so it is kept in the message's details.
  error.details.push({ code, message: `${message} (target: ${target})` });
  return error;
}

function cidrOf(text: string, target: string): ReturnType<typeof parseCidr> {
  try {
    return parseCidr(text);
  } catch (error) {
    throw invalid("InvalidParameter", `The value of parameter ${target} is invalid: ${(error as CidrError).message}.`, target);
  }
}

function subnetsOfVnet(ctx: ArmContext, subnetId: string): StoredResource[] {
  const vnetId = parentIdOf(subnetId);
  return vnetId ? ctx.store.childrenOf(vnetId, SUBNET) : [];
}

function subnetPrefixes(subnet: StoredResource): string[] {
  const props = propertiesOf(subnet.body);
  return [asString(props.addressPrefix), ...asStrings(props.addressPrefixes)].filter((p): p is string => p !== undefined);
}

function checkAgentPools(ctx: ArmContext, pools: unknown, where: string): JsonObject[] {
  if (!Array.isArray(pools) || pools.length === 0) {
    throw invalid(
      "InvalidParameter",
      `The value of parameter agentPoolProfiles is invalid: managed cluster ${where} needs at least one agent pool.`,
      "agentPoolProfiles",
    );
  }
  return asObjects(pools).map((pool, index) => {
    if (!pool.name)
      throw invalid("InvalidParameter", `The value of parameter agentPoolProfiles[${index}].name is invalid.`, `agentPoolProfiles[${index}].name`);
    if (pool.vnetSubnetID) {
      const subnet = typeof pool.vnetSubnetID === "string" ? ctx.resolve(pool.vnetSubnetID) : undefined;
      if (!subnet || subnet.type.toLowerCase() !== SUBNET.toLowerCase()) {
        throw invalid(
          "InvalidParameter",
          `The value of parameter agentPoolProfile.vnetSubnetID is invalid: subnet '${String(pool.vnetSubnetID)}' does not exist.`,
          "agentPoolProfile.vnetSubnetID",
        );
      }
    }
    return {
      ...pool,
      count: pool.count ?? 1,
      vmSize: pool.vmSize ?? "Standard_DS2_v2",
      maxPods: pool.maxPods ?? 110,
      osType: pool.osType ?? "Linux",
      type: pool.type ?? "VirtualMachineScaleSets",
      mode: pool.mode ?? "System",
      enableNodePublicIP: pool.enableNodePublicIP ?? false,
      provisioningState: "Succeeded",
      orchestratorVersion: pool.orchestratorVersion ?? "1.29.4",
      currentOrchestratorVersion: pool.orchestratorVersion ?? "1.29.4",
    };
  });
}

function checkNetwork(ctx: ArmContext, networkProfile: unknown, pools: JsonObject[]): JsonObject {
  const profile = asObject(networkProfile);
  const networkPlugin = requireEnum(profile.networkPlugin ?? "kubenet", ["azure", "kubenet", "none"], "networkProfile.networkPlugin", "managed cluster");
  const serviceCidr = String(profile.serviceCidr ?? DEFAULT_SERVICE_CIDR);
  const dnsServiceIP = String(profile.dnsServiceIP ?? DEFAULT_DNS_SERVICE_IP);
  const service = cidrOf(serviceCidr, "networkProfile.serviceCIDR");
  let dnsAddress: number;
  try {
    dnsAddress = parseIpv4(dnsServiceIP);
  } catch {
    throw invalid(
      "InvalidParameter",
      `The value of parameter networkProfile.dnsServiceIP is invalid: '${dnsServiceIP}' is not an IPv4 address.`,
      "networkProfile.dnsServiceIP",
    );
  }
  if (!containsAddress(service, dnsAddress)) {
    throw invalid(
      "InvalidParameter",
      `The value of parameter networkProfile.dnsServiceIP is invalid: DNS service IP ${dnsServiceIP} is not within the service CIDR ${serviceCidr}.`,
      "networkProfile.dnsServiceIP",
    );
  }
  for (const pool of pools) {
    // A pool's vnetSubnetID, when given, was checked to be an existing subnet's ID.
    if (typeof pool.vnetSubnetID !== "string" || !pool.vnetSubnetID) continue;
    for (const subnet of subnetsOfVnet(ctx, pool.vnetSubnetID)) {
      for (const prefix of subnetPrefixes(subnet)) {
        if (overlaps(service, cidrOf(prefix, "subnet"))) {
          throw invalid(
            "ServiceCidrOverlapExistingSubnetsCidr",
            `The specified service CIDR ${serviceCidr} is conflicted with an existing subnet CIDR ${prefix}`,
            "networkProfile.serviceCIDR",
          );
        }
      }
    }
  }
  const outboundType = requireEnum(
    profile.outboundType ?? "loadBalancer",
    ["loadBalancer", "userDefinedRouting", "managedNATGateway", "userAssignedNATGateway"],
    "networkProfile.outboundType",
    "managed cluster",
  );
  return {
    ...profile,
    networkPlugin,
    serviceCidr: service.text,
    dnsServiceIP,
    outboundType,
    loadBalancerSku: profile.loadBalancerSku ?? "standard",
    ...(networkPlugin === "kubenet" ? { podCidr: profile.podCidr ?? "10.244.0.0/16", podCidrs: [profile.podCidr ?? "10.244.0.0/16"] } : {}),
    serviceCidrs: [service.text],
    ipFamilies: ["IPv4"],
  };
}

export function managedClusterType(tenantId: string): ResourceTypeSpec {
  return {
    type: MANAGED_CLUSTER,
    lro: "network",
    placement: "tracked",
    inProgressState: "Creating",
    write(ctx, request) {
      const body = asObject(request.body);
      const props = propertiesOf(body);
      const dnsPrefix = props.dnsPrefix ?? props.fqdnSubdomain;
      if (!dnsPrefix)
        throw invalid("InvalidParameter", "The value of parameter dnsPrefix is invalid: either dnsPrefix or fqdnSubdomain must be specified.", "dnsPrefix");
      const pools = checkAgentPools(ctx, props.agentPoolProfiles, request.id);
      const networkProfile = checkNetwork(ctx, props.networkProfile, pools);
      const location = String(body.location).replace(/\s+/g, "").toLowerCase();
      // Wire names: the SDK's `enablePrivateClusterPublicFqdn` travels as `enablePrivateClusterPublicFQDN`.
      const apiServer: JsonObject = { ...asObject(props.apiServerAccessProfile) };
      const isPrivate = apiServer.enablePrivateCluster === true;
      const hash = guidFrom(request.id.toLowerCase() + "fqdn").slice(0, 8);
      const publicFqdn = `${String(dnsPrefix)}-${hash}.hcp.${location}.azmk8s.io`;
      const privateFqdn = `${String(dnsPrefix)}-${guidFrom(request.id.toLowerCase() + "private").slice(0, 8)}.${guidFrom(request.id.toLowerCase() + "zone")}.privatelink.${location}.azmk8s.io`;
      const servicePrincipal = asObject(props.servicePrincipalProfile).clientId;
      const identityIn = asObject(body.identity);
      const identityType = identityIn.type ?? (servicePrincipal && servicePrincipal !== "msi" ? undefined : "SystemAssigned");
      if (identityType) requireEnum(identityType, ["SystemAssigned", "UserAssigned", "None"], "identity.type", request.id);
      const existingPrincipalId = asString(asObject(asObject(request.existing?.body).identity).principalId);
      const identity = identityType
        ? {
            type: identityType,
            ...(identityType === "SystemAssigned" ? { principalId: existingPrincipalId ?? guidFrom(request.id.toLowerCase() + "principal"), tenantId } : {}),
            ...(identityIn.userAssignedIdentities
              ? {
                  userAssignedIdentities: Object.fromEntries(
                    Object.keys(asObject(identityIn.userAssignedIdentities)).map((id) => [
                      id,
                      { principalId: guidFrom(id.toLowerCase() + "principal"), clientId: guidFrom(id.toLowerCase() + "client") },
                    ]),
                  ),
                }
              : {}),
          }
        : undefined;
      if (isPrivate && apiServer.privateDNSZone === undefined) apiServer.privateDNSZone = "system";
      return {
        ...(identity ? { identity } : {}),
        sku: body.sku ?? { name: "Base", tier: "Free" },
        properties: {
          ...props,
          kubernetesVersion: props.kubernetesVersion || "1.29.4",
          currentKubernetesVersion: props.kubernetesVersion || "1.29.4",
          dnsPrefix,
          agentPoolProfiles: pools,
          networkProfile,
          apiServerAccessProfile: apiServer,
          // A private cluster has no public FQDN unless enablePrivateClusterPublicFQDN asks for one.
          ...(!isPrivate || apiServer.enablePrivateClusterPublicFQDN ? { fqdn: publicFqdn } : {}),
          ...(isPrivate ? { privateFQDN: privateFqdn } : {}),
          ...(servicePrincipal ? { servicePrincipalProfile: { clientId: servicePrincipal } } : { servicePrincipalProfile: { clientId: "msi" } }),
          nodeResourceGroup: props.nodeResourceGroup ?? `MC_${request.address.resourceGroup}_${request.address.names[0]}_${location}`,
          enableRBAC: props.enableRBAC ?? true,
          maxAgentPools: 100,
          // Secrets a PUT may carry are never echoed (ManagedClustersCreate_*.json responses drop them).
          ...(props.windowsProfile ? { windowsProfile: { ...asObject(props.windowsProfile), adminPassword: undefined } } : {}),
        },
      };
    },
  };
}
