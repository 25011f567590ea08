/**
 * Microsoft.MachineLearningServices/workspaces and .../computes. Shapes from azure-rest-api-specs
 * machinelearningservices 2024-04-01 `workspaceRP.json`, `machineLearningServices.json` and examples
 * Workspace/create.json, Compute/createOrUpdate/AmlCompute.json, ComputeInstance.json (test/fixtures/arm/); SDK types
 * Workspace, ComputeResource, AmlCompute in @azure/arm-machinelearning.
 */
import { guidFrom } from "../../http/random";
import { ArmContext, ResourceTypeSpec, requireReference } from "../resource-type";
import type { StoredResource } from "../store";
import { assignComputeNodeAddresses } from "./address-allocation";
import { managedNetworkOf, type ManagedNetworkSettings } from "./managed-network";
import { attachedVirtualMachine, computeInstanceProperties, virtualMachineProperties } from "./ml-compute-kinds";
import { inferenceComputeBody } from "./ml-inference";
import { connectionsInline } from "./private-endpoint-connection";
import { asObject, asString, JsonObject, propertiesOf } from "./wire";
import { INSIGHTS, REGISTRY, STORAGE, VAULT } from "./workspace-dependencies";
import { userError } from "./ml-user-error";

export const WORKSPACE = "Microsoft.MachineLearningServices/workspaces";
export const ML_COMPUTE = "Microsoft.MachineLearningServices/workspaces/computes";
const SUBNET = "Microsoft.Network/virtualNetworks/subnets";

function reference(ctx: ArmContext, value: unknown, type: string, property: string, where: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  try {
    return requireReference(ctx, { id: String(value) }, type, where).id;
  } catch {
    throw userError(`The ${property} '${String(value)}' of workspace ${where} does not exist or is not a ${type}.`);
  }
}

/** What a workspace PUT reads back from the body the sandbox stored before (written below). */
type StoredWorkspace = { identity?: { principalId?: string }; properties: { workspaceId: string; managedNetwork: ManagedNetworkSettings } };

function storedWorkspace(workspace: StoredResource): StoredWorkspace {
  return workspace.body as StoredWorkspace;
}

/** User-assigned identities as ARM echoes them: each with its principal and client IDs. */
function userAssigned(identities: JsonObject): Record<string, { principalId: string; clientId: string }> {
  return Object.fromEntries(
    Object.keys(identities).map((id) => [id, { principalId: guidFrom(id.toLowerCase() + "principal"), clientId: guidFrom(id.toLowerCase() + "client") }]),
  );
}

export function workspaceType(tenantId: string): ResourceTypeSpec {
  return {
    type: WORKSPACE,
    lro: "network",
    createdStatus: 202,
    placement: "tracked",
    inProgressState: "Creating",
    inlineChildren: [connectionsInline(WORKSPACE)],
    write(ctx, request) {
      const body = asObject(request.body);
      const props = propertiesOf(body);
      const identityIn = asObject(body.identity);
      const existing = request.existing ? storedWorkspace(request.existing) : undefined;
      const location = String(body.location).replace(/\s+/g, "").toLowerCase();
      const storageAccount = reference(ctx, props.storageAccount, STORAGE, "storageAccount", request.id);
      const keyVault = reference(ctx, props.keyVault, VAULT, "keyVault", request.id);
      if (!storageAccount || !keyVault) throw userError(`Workspace ${request.id} needs properties.storageAccount and properties.keyVault.`);
      const workspaceId = existing?.properties.workspaceId ?? guidFrom(request.id.toLowerCase() + "workspaceId");
      const identityType = identityIn.type ?? "SystemAssigned";
      return {
        identity: {
          type: identityType,
          principalId: existing?.identity?.principalId ?? guidFrom(request.id + "principal"),
          tenantId,
          ...(identityIn.userAssignedIdentities ? { userAssignedIdentities: userAssigned(asObject(identityIn.userAssignedIdentities)) } : {}),
        },
        sku: body.sku ?? { name: "Basic", tier: "Basic" },
        kind: body.kind ?? "Default",
        properties: {
          friendlyName: props.friendlyName ?? request.address.names[0],
          description: props.description ?? "",
          storageAccount,
          keyVault,
          applicationInsights: reference(ctx, props.applicationInsights, INSIGHTS, "applicationInsights", request.id),
          containerRegistry: reference(ctx, props.containerRegistry, REGISTRY, "containerRegistry", request.id),
          workspaceId,
          hbiWorkspace: props.hbiWorkspace ?? false,
          ...(props.encryption ? { encryption: props.encryption } : {}),
          sharedPrivateLinkResources: props.sharedPrivateLinkResources ?? [],
          publicNetworkAccess: props.publicNetworkAccess ?? "Enabled",
          v1LegacyMode: props.v1LegacyMode ?? false,
          allowPublicAccessWhenBehindVnet: props.allowPublicAccessWhenBehindVnet ?? false,
          managedNetwork: managedNetworkOf(props.managedNetwork, existing?.properties.managedNetwork, request.id, guidFrom),
          imageBuildCompute: props.imageBuildCompute,
          // The sandbox serves the AML data plane itself; in Azure this is https://<region>.api.azureml.ms/discovery.
          discoveryUrl: `${ctx.origin}/aml/${location}/discovery`,
          mlFlowTrackingUri: `azureml://${location}.api.azureml.ms/mlflow/v1.0${request.id}`,
          notebookInfo: {
            fqdn: `ml-${request.address.names[0]}-${location}-${workspaceId}.${location}.notebooks.azure.net`.toLowerCase(),
            resourceId: guidFrom(request.id + "notebooks").replace(/-/g, ""),
          },
          tenantId,
          storageHnsEnabled: false,
        },
      };
    },
    view(ctx, workspace, body) {
      propertiesOf(body).privateLinkCount = ctx.store.childrenOf(workspace.id, `${WORKSPACE}/privateEndpointConnections`).length;
    },
  };
}

export const mlComputeType: ResourceTypeSpec = {
  type: ML_COMPUTE,
  lro: "network",
  placement: "tracked",
  afterWrite(ctx, compute) {
    assignComputeNodeAddresses(ctx, compute);
  },
  write(ctx, request) {
    const body = asObject(request.body);
    const props = propertiesOf(body);
    const computeType = [
      "AmlCompute",
      "ComputeInstance",
      "AKS",
      "Kubernetes",
      "VirtualMachine",
      "Databricks",
      "HDInsight",
      "DataFactory",
      "DataLakeAnalytics",
      "SynapseSpark",
    ].find((t) => t === props.computeType);
    if (!computeType) throw userError(`Compute ${request.id} has an unknown computeType '${String(props.computeType)}'.`);
    if (computeType === "AKS" || computeType === "Kubernetes") return asObject(inferenceComputeBody(ctx, request, computeType));
    const inner: JsonObject = { ...propertiesOf(props) };
    let attached: string | undefined;
    const subnetId = asObject(inner.subnet).id;
    if (subnetId) {
      try {
        requireReference(ctx, inner.subnet, SUBNET, request.id);
      } catch {
        throw userError(`The subnet '${String(subnetId)}' of compute ${request.id} does not exist.`);
      }
    }
    if (computeType === "AmlCompute") {
      const scale = asObject(inner.scaleSettings);
      const max = Number(scale.maxNodeCount ?? 1);
      const min = Number(scale.minNodeCount ?? 0);
      if (!Number.isInteger(max) || max < 0 || min < 0 || min > max)
        throw userError(`Compute ${request.id} has invalid scaleSettings: minNodeCount ${min}, maxNodeCount ${max}.`);
      Object.assign(inner, {
        osType: inner.osType ?? "Linux",
        vmPriority: inner.vmPriority ?? "Dedicated",
        scaleSettings: { maxNodeCount: max, minNodeCount: min, nodeIdleTimeBeforeScaleDown: scale.nodeIdleTimeBeforeScaleDown ?? "PT120S" },
        enableNodePublicIp: inner.enableNodePublicIp ?? true,
        remoteLoginPortPublicAccess: inner.remoteLoginPortPublicAccess ?? "NotSpecified",
        allocationState: "Steady",
        allocationStateTransitionTime: new Date().toISOString(),
        currentNodeCount: min,
        targetNodeCount: min,
        nodeStateCounts: { idleNodeCount: min, runningNodeCount: 0, preparingNodeCount: 0, unusableNodeCount: 0, leavingNodeCount: 0, preemptedNodeCount: 0 },
      });
    } else if (computeType === "ComputeInstance") {
      Object.assign(inner, computeInstanceProperties(inner, String(request.address.names.at(-1)), String(body.location).replace(/\s+/g, "").toLowerCase()));
    } else if (computeType === "VirtualMachine") {
      attached = attachedVirtualMachine(ctx, props.resourceId, request.id);
      const vm = virtualMachineProperties(inner);
      for (const key of Object.keys(inner)) delete inner[key];
      Object.assign(inner, vm);
    }
    return {
      identity: body.identity,
      properties: {
        computeType,
        computeLocation: props.computeLocation ?? String(body.location).replace(/\s+/g, "").toLowerCase(),
        description: props.description,
        createdOn: asString(propertiesOf(request.existing?.body).createdOn) ?? new Date().toISOString(),
        modifiedOn: new Date().toISOString(),
        ...(attached ? { resourceId: attached } : {}),
        isAttachedCompute: attached !== undefined,
        disableLocalAuth: props.disableLocalAuth ?? true,
        properties: inner,
      },
    };
  },
};
