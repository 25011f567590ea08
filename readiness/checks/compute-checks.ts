/**
 * Every compute is judged where it runs: a compute with no subnet in a workspace whose dependencies accept only
 * private traffic (unless the managed network covers it), a compute whose network cannot be read, the region rules
 * of seed 004 (no cluster in another region than a private-endpoint workspace; a compute instance always in the
 * workspace's region) and, for an attached VM, inbound SSH 22 from AzureMachineLearning (seed 003).
 */
import type { GenericResource } from "@azure/arm-resources";
import { evaluateFlow } from "../nsg/evaluate";
import { judgedComputes, type JudgedCompute } from "../path/compute-sources";
import { subnetPrefixes, type PathModel } from "../path/path-model";
import { idParts, sameId, shortName } from "../topology/arm-id";
import { connectionsOf, workspaceEndpoints } from "../topology/read-topology";
import type { Topology } from "../topology/topology";
import { priorityBefore } from "./nsg-checks";
import type { CheckRecorder, Problem } from "./recorder";

const MANAGED_MODES = new Set(["allowinternetoutbound", "allowonlyapprovedoutbound"]);

/** Whether the workspace's managed network isolates (and so carries) its managed computes' traffic. */
export function managedNetworkEnabled(topology: Topology): boolean {
  return MANAGED_MODES.has((topology.managedNetwork?.isolationMode ?? "Disabled").toLowerCase());
}

/** Why a dependency accepts only private traffic, or undefined when it accepts public traffic. */
function privateOnlyReason(resource: GenericResource | undefined): string | undefined {
  const p = (resource?.properties ?? {}) as {
    publicNetworkAccess?: string;
    networkAcls?: { defaultAction?: string };
    networkRuleSet?: { defaultAction?: string };
  };
  if (p.publicNetworkAccess === "Disabled") return "publicNetworkAccess Disabled";
  if (p.networkAcls?.defaultAction === "Deny" || p.networkRuleSet?.defaultAction === "Deny") return "network rules default action Deny";
  return undefined;
}

export function workspaceHasPrivateEndpoint(topology: Topology): boolean {
  return workspaceEndpoints(topology).some((e) => connectionsOf(e).some((c) => sameId(c.privateLinkServiceId, topology.workspace.id)));
}

export function checkComputes(topology: Topology, recorder: CheckRecorder, model?: PathModel): void {
  for (const compute of judgedComputes(topology)) {
    checkNetwork(topology, compute, recorder);
    checkRegion(topology, compute, recorder);
    if (compute.kind === "VirtualMachine" && compute.source) checkSshInbound(topology, compute, recorder, model);
  }
}

function checkNetwork(topology: Topology, compute: JudgedCompute, recorder: CheckRecorder): void {
  const ws = topology.workspace;
  const spec = {
    id: `compute.network:${compute.name}`,
    category: "compute" as const,
    title: `${compute.kind} ${compute.name} runs where the workspace's private endpoints can be judged`,
    resourceId: compute.id,
  };
  const problems: Problem[] = [];
  if (compute.unreadable) {
    problems.push({
      severity: "warning",
      message: `The network of ${compute.kind} ${compute.name}${compute.subnetId ? ` (subnet ${compute.subnetId})` : ""} cannot be read, so its path to the private endpoints is not judged: ${compute.unreadable}.`,
      fix: compute.subnetId
        ? `az role assignment create --role Reader --scope /subscriptions/${idParts(compute.subnetId).subscriptionId} --assignee <this identity>`
        : `Grant this identity Reader on the VM and its network interfaces, or fix properties.resourceId of ${compute.name}.`,
    });
  } else if (compute.kind === "VirtualMachine" && !compute.source) {
    // AmlCompute and ComputeInstance subnets that do not exist are the subnet checks' errors; an attached VM's are here.
    problems.push({
      severity: "error",
      message: compute.subnetId
        ? `Attached VM ${compute.name} sits in subnet ${compute.subnetId}, whose VNet does not exist or was not read: its path to the private endpoints cannot be judged.`
        : `Attached VM ${compute.name} has no network interface in a subnet: Azure Machine Learning cannot reach it.`,
      fix: `Attach a VM that runs in a subnet peered with the private endpoints' VNet: az ml compute attach --name ${compute.name} --type virtualmachine --resource-id <VM ID> --workspace-name ${shortName(ws.id)} --resource-group ${idParts(ws.id).resourceGroup}`,
    });
  } else if (!compute.subnetId && compute.kind !== "VirtualMachine" && !managedNetworkEnabled(topology)) {
    const d = topology.dependencies;
    const closed = (
      [
        ["storage account", d.storage],
        ["key vault", d.vault],
        ["container registry", d.registry],
      ] as const
    )
      .map(([label, resource]) => ({ label, resource, why: privateOnlyReason(resource) }))
      .filter((x) => x.why);
    if (closed.length) {
      const { resourceGroup } = idParts(ws.id);
      problems.push({
        severity: "error",
        message: `${compute.kind} ${compute.name} has no subnet, so it runs outside your virtual networks, but ${closed.map((c) => `${c.label} ${shortName(c.resource?.id)} (${c.why})`).join(", ")} accept only private traffic: its jobs cannot read data, secrets or images.`,
        fix: `Re-create ${compute.name} in a subnet of a VNet that reaches the private endpoints: az ml compute create --name ${compute.name} --type ${compute.kind} --vnet-name <vnet> --subnet <subnet> --workspace-name ${shortName(ws.id)} --resource-group ${resourceGroup}   # or give the workspace a managed network: az ml workspace update --name ${shortName(ws.id)} --resource-group ${resourceGroup} --managed-network allow_internet_outbound`,
      });
    }
  }
  recorder.record(spec, problems);
}

function checkRegion(topology: Topology, compute: JudgedCompute, recorder: CheckRecorder): void {
  const wsRegion = topology.workspace.location;
  if (!compute.location || compute.location === wsRegion || compute.kind === "VirtualMachine") return;
  const privateWorkspace = workspaceHasPrivateEndpoint(topology);
  const problems: Problem[] = [];
  if (compute.kind === "ComputeInstance") {
    problems.push({
      severity: "error",
      message: `Compute instance ${compute.name} is in ${compute.location}, the workspace in ${wsRegion}: compute instances must be in the workspace's region.`,
      fix: `Delete ${compute.name} and create it again in ${wsRegion}: az ml compute create --name ${compute.name} --type ComputeInstance --location ${wsRegion} --workspace-name ${shortName(topology.workspace.id)} --resource-group ${idParts(topology.workspace.id).resourceGroup}`,
    });
  } else if (privateWorkspace) {
    problems.push({
      severity: "error",
      message: `Compute cluster ${compute.name} is in ${compute.location}, the workspace in ${wsRegion}: a cluster in another region than its workspace is not supported when the workspace has a private endpoint.`,
      fix: `Create the cluster in ${wsRegion}: az ml compute create --name ${compute.name} --type AmlCompute --location ${wsRegion} --workspace-name ${shortName(topology.workspace.id)} --resource-group ${idParts(topology.workspace.id).resourceGroup}`,
    });
  }
  recorder.record(
    {
      id: `compute.region:${compute.name}`,
      category: "compute",
      title: `${compute.kind} ${compute.name} (${compute.location}) may run outside the workspace's region (${wsRegion})`,
      resourceId: compute.id,
    },
    problems,
  );
}

/** Seed 003: the attached VM lets AzureMachineLearning reach SSH (TCP 22) through its subnet's NSG and its NIC's. */
function checkSshInbound(topology: Topology, compute: JudgedCompute, recorder: CheckRecorder, model?: PathModel): void {
  const source = compute.source;
  if (!source) return;
  const subnetNsg = topology.nsgs.get(source.subnet?.networkSecurityGroup?.id);
  const verdict = evaluateFlow(
    { direction: "Inbound", protocol: "Tcp", port: 22, remote: { tag: "AzureMachineLearning" } },
    {
      subnetNsg,
      nicNsg: compute.nicNsg,
      localPrefixes: subnetPrefixes(source.subnet),
      vnetPrefixes: model?.virtualNetworkPrefixes(source.subnetId) ?? [],
      region: topology.workspace.location,
    },
  );
  const problems: Problem[] = [];
  if (!verdict.allowed) {
    const blocker = verdict.blockedBy;
    const nsg = blocker?.level === "nic" ? compute.nicNsg : subnetNsg;
    const { subscriptionId, resourceGroup, name } = idParts(nsg?.id ?? source.subnetId);
    problems.push({
      severity: "error",
      message: `Attached VM ${compute.name}: ${blocker ? `rule ${blocker.ruleName} (priority ${blocker.priority}) of NSG ${shortName(blocker.nsgId)}` : "an NSG"} denies inbound TCP 22 from AzureMachineLearning, so Azure Machine Learning cannot reach the VM over SSH to run jobs.`,
      fix: `az network nsg rule create --subscription ${subscriptionId} --resource-group ${resourceGroup} --nsg-name ${name} --name AllowAzureMLSsh --priority ${priorityBefore(nsg, "Inbound", blocker?.priority ?? 4096) ?? 100} --direction Inbound --access Allow --protocol Tcp --source-address-prefixes AzureMachineLearning --source-port-ranges '*' --destination-address-prefixes '*' --destination-port-ranges 22`,
      resourceId: nsg?.id ?? compute.id,
    });
  }
  recorder.record(
    {
      id: `compute.ssh-inbound:${compute.name}`,
      category: "compute",
      title: `attached VM ${compute.name} accepts SSH (TCP 22) from AzureMachineLearning`,
      resourceId: compute.id,
    },
    problems,
  );
}
