import { idParts, shortName } from "../topology/arm-id";
import { workspaceEndpoints } from "../topology/read-topology";
import type { Topology } from "../topology/topology";
import type { CheckRecorder, Problem } from "./recorder";

function propertiesOf(resource: { properties?: unknown } | undefined): Record<string, unknown> {
  return (resource?.properties as Record<string, unknown> | undefined) ?? {};
}

/** Workspace settings the documents call out for a network-isolated workspace. */
export function checkWorkspace(topology: Topology, recorder: CheckRecorder): void {
  const ws = topology.workspace;
  const { resourceGroup, name } = idParts(ws.id);
  const hasEndpoint = workspaceEndpoints(topology).some((e) =>
    (e.privateLinkServiceConnections ?? [])
      .concat(e.manualPrivateLinkServiceConnections ?? [])
      .some((c) => c.privateLinkServiceId?.toLowerCase() === ws.id.toLowerCase()),
  );
  recorder.record(
    {
      id: `workspace.public-network-access:${name}`,
      category: "workspace",
      title: `workspace ${name} does not accept public network traffic`,
      resourceId: ws.id,
    },
    hasEndpoint && ws.publicNetworkAccess !== "Disabled"
      ? [
          {
            severity: "warning",
            message: `Workspace ${name} has a private endpoint but publicNetworkAccess is ${ws.publicNetworkAccess ?? "Enabled"}: it still answers from the internet, which the network isolation is meant to prevent.`,
            fix: `az ml workspace update --name ${name} --resource-group ${resourceGroup} --public-network-access Disabled`,
          },
        ]
      : [],
  );
  recorder.record(
    { id: `workspace.v1-legacy-mode:${name}`, category: "workspace", title: `workspace ${name} legacy v1 mode is known`, resourceId: ws.id },
    ws.v1LegacyMode
      ? [
          {
            severity: "info",
            message: `Workspace ${name} runs in v1 legacy mode: the v2 API (CLI v2, SDK v2, ARM jobs) is disabled; SDK v1 published pipelines keep working.`,
            fix: `Only if you need v2 jobs: az ml workspace update --name ${name} --resource-group ${resourceGroup} --v1-legacy-mode false`,
          },
        ]
      : [],
  );
  const registry = topology.dependencies.registry;
  const computesInVnet = topology.computes.filter((c) => (c.properties as { properties?: { subnet?: unknown } })?.properties?.subnet);
  if (registry?.id && computesInVnet.length > 0 && !ws.imageBuildCompute) {
    recorder.record(
      {
        id: `workspace.image-build-compute:${name}`,
        category: "workspace",
        title: `workspace ${name} builds images on a compute in the VNet`,
        resourceId: ws.id,
      },
      [
        {
          severity: "warning",
          message: `Registry ${shortName(registry.id)} is reachable only privately, but workspace ${name} has no imageBuildCompute: environment image builds run outside the VNet and fail.`,
          fix: `az ml workspace update --name ${name} --resource-group ${resourceGroup} --image-build-compute ${computesInVnet[0].name}`,
        },
      ],
    );
  }
}

/** The workspace's registry supports private link (Premium) and is not open to the internet. */
export function checkRegistry(topology: Topology, recorder: CheckRecorder): void {
  const ws = topology.workspace;
  const registry = topology.dependencies.registry;
  const wsName = idParts(ws.id).name;
  if (!registry?.id) {
    recorder.record({ id: `registry.attached:${wsName}`, category: "registry", title: `workspace ${wsName} has a container registry`, resourceId: ws.id }, [
      {
        severity: "warning",
        message: `Workspace ${wsName} has no container registry yet: AML creates a Basic one on the first image build, and a Basic registry cannot have a private endpoint.`,
        fix: `az acr create --name <acr> --resource-group ${idParts(ws.id).resourceGroup} --sku Premium --public-network-enabled false && az ml workspace update --name ${wsName} --resource-group ${idParts(ws.id).resourceGroup} --container-registry <acr ID>`,
      },
    ]);
    return;
  }
  const name = shortName(registry.id);
  const sku = registry.sku?.name;
  recorder.record(
    { id: `registry.premium:${name}`, category: "registry", title: `registry ${name} is Premium (needed for private link)`, resourceId: registry.id },
    sku === "Premium"
      ? []
      : [
          {
            severity: "error",
            message: `Registry ${name} is ${sku ?? "of unknown SKU"}: private endpoints need the Premium SKU, so the computes and agents cannot pull images privately.`,
            fix: `az acr update --name ${name} --sku Premium`,
          },
        ],
  );
  const access = propertiesOf(registry).publicNetworkAccess;
  const problems: Problem[] =
    access === "Disabled"
      ? []
      : [
          {
            severity: "warning",
            message: `Registry ${name} has publicNetworkAccess ${String(access ?? "Enabled")}: images can be pulled and pushed from the internet, outside the private network.`,
            fix: `az acr update --name ${name} --public-network-enabled false`,
          },
        ];
  recorder.record(
    {
      id: `registry.public-network-access:${name}`,
      category: "registry",
      title: `registry ${name} does not accept public network traffic`,
      resourceId: registry.id,
    },
    problems,
  );
}
