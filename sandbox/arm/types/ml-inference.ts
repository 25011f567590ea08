import type { AKSSchemaProperties, KubernetesProperties, OnlineDeploymentProperties, OnlineEndpointProperties } from "@azure/arm-machinelearning";
import { guidFrom } from "../../http/random";
import type { ArmContext, ResourceTypeSpec, WriteRequest } from "../resource-type";
import { parentIdOf } from "../resource-id";
import type { Json } from "../store";
import { requireEnum, sameId } from "./common";
import { MANAGED_CLUSTER } from "./managed-cluster";
import { userError } from "./ml-user-error";

/**
 * Inference in AML: computes of type AKS and Kubernetes (attached by resourceId), managed online endpoints and
 * their deployments. Shapes from azure-rest-api-specs specification/machinelearningservices/resource-manager/
 * Microsoft.MachineLearningServices/stable/2024-10-01/examples/Compute/createOrUpdate/AKSCompute.json,
 * Compute/createOrUpdate/KubernetesCompute.json, OnlineEndpoint/createOrUpdate.json,
 * OnlineDeployment/ManagedOnlineDeployment/createOrUpdate.json, typed with @azure/arm-machinelearning
 * (AKSSchemaProperties, KubernetesProperties, OnlineEndpointProperties, OnlineDeploymentProperties).
 * Errors follow the AML shape the workspace type already uses: 400 UserError with a BadArgument detail.
 */
export const ONLINE_ENDPOINT = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
export const ONLINE_DEPLOYMENT = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";
const ML_COMPUTE = "Microsoft.MachineLearningServices/workspaces/computes";
const CONNECTED_CLUSTER = "Microsoft.Kubernetes/connectedClusters";

/**
 * Request and stored bodies in wire shape (the envelope's `properties` nested, as in the spec examples above; the
 * SDK models type what is inside). A managed cluster as Microsoft.ContainerService managedClusters.json stores it.
 */
interface ComputeBody {
  identity?: unknown;
  properties?: {
    resourceId?: unknown;
    description?: string;
    disableLocalAuth?: boolean;
    createdOn?: string;
    computeType?: string;
    properties?: AKSSchemaProperties | KubernetesProperties;
  };
}
interface ClusterBody {
  location?: string;
  properties?: { fqdn?: string; privateFQDN?: string; agentPoolProfiles?: Array<{ count?: number; vmSize?: string }> };
}
interface EndpointBody {
  location?: string;
  kind?: string;
  identity?: { type?: string; principalId?: string };
  properties?: OnlineEndpointProperties;
}
interface DeploymentBody {
  kind?: string;
  sku?: unknown;
  properties?: OnlineDeploymentProperties;
}

function regionOf(location: unknown): string {
  return String(location ?? "")
    .replace(/\s+/g, "")
    .toLowerCase();
}

/**
 * The body of an AKS or Kubernetes compute. The sandbox only attaches existing clusters (properties.resourceId);
 * creating the cluster through AML is not simulated and is refused with a message saying so.
 */
export function inferenceComputeBody(ctx: ArmContext, request: WriteRequest, computeType: "AKS" | "Kubernetes"): Json {
  const body = request.body as ComputeBody;
  const props = body.properties ?? {};
  const resourceId = props.resourceId;
  if (typeof resourceId !== "string" || !resourceId) {
    throw userError(`Compute ${request.id}: the sandbox attaches existing clusters only; set properties.resourceId to a ${MANAGED_CLUSTER} ID.`);
  }
  const cluster = ctx.resolve(resourceId);
  const allowed = computeType === "AKS" ? [MANAGED_CLUSTER] : [MANAGED_CLUSTER, CONNECTED_CLUSTER];
  if (!cluster || !allowed.some((t) => t.toLowerCase() === cluster.type.toLowerCase())) {
    throw userError(`The resourceId '${resourceId}' of compute ${request.id} does not exist or is not a ${allowed.join(" or ")}.`);
  }
  const given = props.properties ?? {};
  let inner: AKSSchemaProperties | KubernetesProperties;
  if (computeType === "AKS") {
    const aks = given as AKSSchemaProperties;
    const clusterProps = (cluster.body as ClusterBody).properties;
    const pools = clusterProps?.agentPoolProfiles ?? [];
    inner = {
      ...aks,
      clusterFqdn: clusterProps?.fqdn ?? clusterProps?.privateFQDN,
      agentCount: aks.agentCount ?? pools.reduce((sum, p) => sum + (p.count ?? 0), 0),
      agentVmSize: aks.agentVmSize ?? pools[0]?.vmSize,
      clusterPurpose: requireEnum(aks.clusterPurpose ?? "FastProd", ["FastProd", "DenseProd", "DevTest"], "properties.properties.clusterPurpose", request.id),
      loadBalancerType: requireEnum(
        aks.loadBalancerType ?? "PublicIp",
        ["PublicIp", "InternalLoadBalancer"],
        "properties.properties.loadBalancerType",
        request.id,
      ),
    };
  } else {
    const k8s = given as KubernetesProperties;
    inner = {
      ...k8s,
      namespace: k8s.namespace ?? "default",
      extensionPrincipalId: k8s.extensionPrincipalId ?? guidFrom(request.id.toLowerCase() + "extension"),
    };
  }
  return {
    identity: body.identity,
    properties: {
      computeType,
      computeLocation: regionOf((cluster.body as ClusterBody).location),
      description: props.description,
      resourceId: cluster.id,
      createdOn: (request.existing?.body as ComputeBody | undefined)?.properties?.createdOn ?? new Date().toISOString(),
      modifiedOn: new Date().toISOString(),
      isAttachedCompute: true,
      disableLocalAuth: props.disableLocalAuth ?? false,
      properties: inner,
    },
  };
}

export function onlineEndpointType(tenantId: string): ResourceTypeSpec {
  return {
    type: ONLINE_ENDPOINT,
    lro: "network",
    placement: "tracked",
    inProgressState: "Creating",
    write(ctx, request) {
      const body = request.body as EndpointBody;
      const props: Partial<OnlineEndpointProperties> = body.properties ?? {};
      if (!props.authMode) throw userError(`Online endpoint ${request.id} needs properties.authMode (AMLToken, Key or AADToken).`);
      const authMode = requireEnum(props.authMode, ["AMLToken", "Key", "AADToken"], "properties.authMode", request.id);
      const publicNetworkAccess = requireEnum(props.publicNetworkAccess ?? "Enabled", ["Enabled", "Disabled"], "properties.publicNetworkAccess", request.id);
      const workspaceId = parentIdOf(request.id) ?? "";
      if (props.compute) {
        const compute = ctx.resolve(props.compute);
        if (
          !compute ||
          compute.type.toLowerCase() !== ML_COMPUTE.toLowerCase() ||
          !sameId(parentIdOf(compute.id), workspaceId) ||
          (compute.body as ComputeBody).properties?.computeType !== "Kubernetes"
        ) {
          throw userError(`The compute '${props.compute}' of online endpoint ${request.id} is not a Kubernetes compute of this workspace.`);
        }
      }
      const region = regionOf(body.location);
      const name = request.address.names[request.address.names.length - 1];
      const identityType = body.identity?.type ?? "SystemAssigned";
      return {
        identity: {
          type: identityType,
          principalId: (request.existing?.body as EndpointBody | undefined)?.identity?.principalId ?? guidFrom(request.id.toLowerCase() + "principal"),
          tenantId,
        },
        kind: body.kind,
        properties: {
          authMode,
          description: props.description,
          properties: props.properties ?? {},
          compute: props.compute,
          traffic: props.traffic ?? {},
          mirrorTraffic: (props as { mirrorTraffic?: Record<string, number> }).mirrorTraffic ?? {},
          publicNetworkAccess,
          scoringUri: `https://${name}.${region}.inference.ml.azure.com/score`,
          swaggerUri: `https://${name}.${region}.inference.ml.azure.com/swagger.json`,
        },
      };
    },
  };
}

export const onlineDeploymentType: ResourceTypeSpec = {
  type: ONLINE_DEPLOYMENT,
  lro: "network",
  placement: "tracked",
  inProgressState: "Creating",
  write(_ctx, request) {
    const body = request.body as DeploymentBody;
    const props: Partial<OnlineDeploymentProperties> = body.properties ?? {};
    const endpointComputeType = requireEnum(
      props.endpointComputeType ?? "",
      ["Managed", "Kubernetes", "AzureMLCompute"],
      "properties.endpointComputeType",
      request.id,
    );
    const egressPublicNetworkAccess = requireEnum(
      props.egressPublicNetworkAccess ?? "Enabled",
      ["Enabled", "Disabled"],
      "properties.egressPublicNetworkAccess",
      request.id,
    );
    return {
      sku: body.sku ?? { name: "Default", capacity: 1 },
      kind: body.kind,
      properties: { ...props, endpointComputeType, egressPublicNetworkAccess, instanceType: props.instanceType ?? "Standard_DS3_v2" },
    };
  },
};
