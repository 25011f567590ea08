import type { ComputeResource, Workspace } from "@azure/arm-machinelearning";
import type { PrivateEndpoint, PrivateLinkServiceConnection, VirtualNetwork } from "@azure/arm-network";
import type { PrivateZone } from "@azure/arm-privatedns";
import type { GenericResource } from "@azure/arm-resources";
import type { AzureClients } from "../../azure/clients";
import { Cloud, zonesForGroup } from "../../network/private-link-zones";
import { CheckSetupError, explainReadError, PermissionDeniedError } from "../errors";
import { readInference } from "../inference/read-inference";
import { idParts, parseArmId, sameId, vnetIdOfSubnet } from "./arm-id";
import { AttachedVm, emptyTopology, ManagedNetwork, Topology, WorkspaceDependencies, ZoneState } from "./topology";
import { listHubServices, readHubDetails } from "./read-hub";

export type ClientsForSubscription = (subscriptionId: string) => AzureClients;

const DEPENDENCY_API_VERSIONS: Record<keyof WorkspaceDependencies, string> = {
  storage: "2023-05-01",
  vault: "2023-07-01",
  registry: "2023-07-01",
  insights: "2020-02-02",
};

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

/**
 * Reads the topology around a workspace with list calls, concurrently, each request at most once: the workspace,
 * its dependencies, computes, and per subscription involved the VNets (with subnets and peerings), NSGs, route
 * tables, NAT gateways, private endpoints and private DNS zones; then the zone groups, links and A records of the
 * zones the workspace's endpoints need. Subscriptions are followed by ID (hub-and-spoke).
 */
export async function readTopology(input: { workspaceId: string; agentVnetId?: string; cloud: Cloud }, clientsFor: ClientsForSubscription): Promise<Topology> {
  const ws = parseArmId(input.workspaceId, "Microsoft.MachineLearningServices/workspaces", "--workspace");
  if (input.agentVnetId) parseArmId(input.agentVnetId, "Microsoft.Network/virtualNetworks", "--agent-vnet");
  const raw = await clientsFor(ws.subscriptionId)
    .resources.resources.getById(ws.id, ML_WORKSPACE_API)
    .catch((e) => {
      throw explainReadError(e, "workspace", ws.id);
    });
  const workspace = workspaceFromRaw(raw);
  const topology = emptyTopology(
    input.cloud,
    { ...workspace, id: workspace.id ?? ws.id, location: (workspace.location ?? "").toLowerCase() },
    input.agentVnetId,
  );
  const managedNetwork = (raw.properties as { managedNetwork?: ManagedNetwork } | undefined)?.managedNetwork;
  if (managedNetwork) topology.managedNetwork = managedNetwork;
  const listed = new Map<string, Promise<void>>();
  const listSubscription = (subscriptionId: string): Promise<void> => {
    const key = subscriptionId.toLowerCase();
    if (!listed.has(key))
      listed.set(
        key,
        Promise.all([readSubscription(topology, clientsFor(key), key), listHubServices(topology, clientsFor(key), key)]).then(() => undefined),
      );
    return listed.get(key) as Promise<void>;
  };
  const dependencyIds: Record<keyof WorkspaceDependencies, string | undefined> = {
    storage: workspace.storageAccount,
    vault: workspace.keyVault,
    registry: workspace.containerRegistry,
    insights: workspace.applicationInsights,
  };
  await Promise.all([
    ...Object.entries(dependencyIds).map(async ([key, id]) => {
      if (!id) return;
      const name = key as keyof WorkspaceDependencies;
      topology.dependencies[name] = await readById(clientsFor(idParts(id).subscriptionId), id, DEPENDENCY_API_VERSIONS[name]);
    }),
    collect(clientsFor(ws.subscriptionId).machineLearning.computeOperations.list(ws.resourceGroup, ws.name)).then(async (computes) => {
      topology.computes = computes;
      await readAttachedVms(topology, clientsFor);
    }),
    listSubscription(ws.subscriptionId),
    ...(input.agentVnetId ? [listSubscription(idParts(input.agentVnetId).subscriptionId)] : []),
  ]);
  // Endpoints, compute subnets and peered VNets may live in other subscriptions: list those too.
  const forComputes = new Set<string>();
  for (const compute of topology.computes) {
    const subnetId = computeSubnetId(compute);
    if (subnetId) forComputes.add(idParts(subnetId).subscriptionId);
  }
  // AKS clusters' subnets: their subscriptions are listed like a compute's.
  for (const subscriptionId of await readInference(topology, clientsFor)) forComputes.add(subscriptionId);
  for (const vm of topology.attachedVms.values())
    for (const nic of vm.nics)
      for (const config of nic.ipConfigurations ?? []) if (config.subnet?.id) forComputes.add(idParts(config.subnet.id).subscriptionId);
  const forPeers = new Set<string>();
  for (const vnet of topology.vnets.values())
    for (const peering of vnet.virtualNetworkPeerings ?? [])
      if (peering.remoteVirtualNetwork?.id) forPeers.add(idParts(peering.remoteVirtualNetwork.id).subscriptionId);
  // A subscription only a compute's subnet lives in, and this identity cannot read, leaves that compute unjudged
  // (a warning naming the permission); one the peerings lead to still stops the check, as an unread endpoint would.
  await Promise.all(
    [...new Set([...forComputes, ...forPeers])].map((subscriptionId) =>
      listSubscription(subscriptionId).catch((error) => {
        if (!(error instanceof PermissionDeniedError) || forPeers.has(subscriptionId)) throw error;
        topology.unreadableSubscriptions.set(subscriptionId.toLowerCase(), error.message);
      }),
    ),
  );
  await Promise.all([readEndpointDns(topology, clientsFor), readHubDetails(topology, clientsFor)]);
  return topology;
}

/**
 * The workspace is read raw at ML 2024-10-01: the SDK's api-version (2022-10-01) and its mapper drop
 * `managedNetwork`. Its properties are flattened the way the SDK's Workspace model flattens them.
 */
const ML_WORKSPACE_API = "2024-10-01";

function workspaceFromRaw(raw: GenericResource): Workspace {
  const { properties, ...top } = raw as GenericResource & { properties?: Record<string, unknown> };
  return { ...(properties ?? {}), ...top } as Workspace;
}

/** The VM behind each attached VirtualMachine compute, and its NICs (for the subnet and the NIC's NSG). */
async function readAttachedVms(topology: Topology, clientsFor: ClientsForSubscription): Promise<void> {
  await Promise.all(
    topology.computes.map(async (compute) => {
      const vmId = compute.properties?.computeType === "VirtualMachine" ? compute.properties.resourceId : undefined;
      if (!compute.id || !vmId) return;
      const entry: AttachedVm = { vmId, nics: [] };
      topology.attachedVms.set(compute.id.toLowerCase(), entry);
      try {
        const vm = idParts(vmId);
        const machine = await clientsFor(vm.subscriptionId).compute.virtualMachines.get(vm.resourceGroup, vm.name);
        entry.location = machine.location;
        entry.nics = await Promise.all(
          (machine.networkProfile?.networkInterfaces ?? [])
            .filter((n) => n.id)
            .map((n) => {
              const nic = idParts(n.id as string);
              return clientsFor(nic.subscriptionId).network.networkInterfaces.get(nic.resourceGroup, nic.name);
            }),
        );
      } catch (error) {
        const explained = explainReadError(error, "the attached virtual machine", vmId);
        if (!(explained instanceof CheckSetupError)) throw explained;
        entry.unreadable = explained.message;
      }
    }),
  );
}

async function readById(clients: AzureClients, id: string, apiVersion: string): Promise<GenericResource | undefined> {
  try {
    return await clients.resources.resources.getById(id, apiVersion);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw explainReadError(error, "resource", id);
  }
}

async function readSubscription(topology: Topology, clients: AzureClients, subscriptionId: string): Promise<void> {
  const scope = `/subscriptions/${subscriptionId}`;
  try {
    const [vnets, nsgs, routeTables, natGateways, endpoints] = await Promise.all([
      collect(clients.network.virtualNetworks.listAll()),
      collect(clients.network.networkSecurityGroups.listAll()),
      collect(clients.network.routeTables.listAll()),
      collect(clients.network.natGateways.listAll()),
      collect(clients.network.privateEndpoints.listBySubscription()),
    ]);
    vnets.forEach((v) => topology.vnets.add(v));
    nsgs.forEach((n) => topology.nsgs.add(n));
    routeTables.forEach((r) => topology.routeTables.add(r));
    natGateways.forEach((g) => topology.natGateways.add(g));
    for (const endpoint of endpoints) if (!topology.privateEndpoints.some((e) => sameId(e.id, endpoint.id))) topology.privateEndpoints.push(endpoint);
  } catch (error) {
    throw explainReadError(error, "the network resources of subscription", scope);
  }
}

/** Private endpoints connected to the workspace or one of its dependencies. */
export function workspaceEndpoints(topology: Topology): PrivateEndpoint[] {
  const targets = [topology.workspace.id, ...(Object.values(topology.dependencies) as Array<GenericResource | undefined>).map((d) => d?.id)].filter(
    (id): id is string => !!id,
  );
  return topology.privateEndpoints.filter((endpoint) => connectionsOf(endpoint).some((c) => targets.some((t) => sameId(t, c.privateLinkServiceId))));
}

export function connectionsOf(
  endpoint: PrivateEndpoint,
): Array<{ privateLinkServiceId?: string; groupIds?: string[]; status?: string; manual: boolean; id?: string }> {
  const asRead = (c: PrivateLinkServiceConnection, manual: boolean) => ({
    privateLinkServiceId: c.privateLinkServiceId,
    groupIds: c.groupIds,
    status: c.privateLinkServiceConnectionState?.status,
    manual,
    id: c.id,
  });
  return [
    ...(endpoint.privateLinkServiceConnections ?? []).map((c) => asRead(c, false)),
    ...(endpoint.manualPrivateLinkServiceConnections ?? []).map((c) => asRead(c, true)),
  ];
}

export function computeSubnetId(compute: ComputeResource): string | undefined {
  const inner = (compute.properties as { properties?: { subnet?: { id?: string } } } | undefined)?.properties;
  return inner?.subnet?.id;
}

export function endpointVnet(topology: Topology, endpoint: PrivateEndpoint): VirtualNetwork | undefined {
  return endpoint.subnet?.id ? topology.vnets.get(vnetIdOfSubnet(endpoint.subnet.id)) : undefined;
}

/** Zone groups and NICs of the workspace's endpoints, then every zone they use or that the endpoints need, with links and A records. */
async function readEndpointDns(topology: Topology, clientsFor: ClientsForSubscription): Promise<void> {
  const endpoints = workspaceEndpoints(topology);
  await Promise.all([
    ...endpoints.map(async (endpoint) => {
      const { subscriptionId, resourceGroup, name } = idParts(endpoint.id as string);
      const groups = await collect(clientsFor(subscriptionId).network.privateDnsZoneGroups.list(name, resourceGroup)).catch((e) => {
        throw explainReadError(e, "private DNS zone groups of", endpoint.id as string);
      });
      topology.zoneGroups.set((endpoint.id as string).toLowerCase(), groups);
    }),
    ...endpoints.flatMap((endpoint) =>
      (endpoint.networkInterfaces ?? []).map(async (ref) => {
        if (!ref.id) return;
        const nic = idParts(ref.id);
        try {
          topology.endpointNics.add(await clientsFor(nic.subscriptionId).network.networkInterfaces.get(nic.resourceGroup, nic.name));
        } catch (error) {
          // A NIC that is gone leaves the endpoint with fewer names, which the DNS check reports; others stop the check.
          if ((error as { statusCode?: number }).statusCode !== 404) throw explainReadError(error, "the network interface of private endpoint", ref.id);
        }
      }),
    ),
  ]);
  const zoneIds = new Set<string>();
  for (const groups of topology.zoneGroups.values()) {
    for (const group of groups) for (const config of group.privateDnsZoneConfigs ?? []) if (config.privateDnsZoneId) zoneIds.add(config.privateDnsZoneId);
  }
  // Zones a needed name has in the subscriptions we already know, even when no zone group points at them.
  const needed = new Set(endpoints.flatMap((e) => connectionsOf(e).flatMap((c) => (c.groupIds ?? []).flatMap((g) => zonesForGroup(g, topology.cloud)))));
  const subscriptions = new Set([
    idParts(topology.workspace.id).subscriptionId,
    ...(topology.agentVnetId ? [idParts(topology.agentVnetId).subscriptionId] : []),
  ]);
  for (const id of zoneIds) subscriptions.add(idParts(id).subscriptionId);
  const listedZones = await Promise.all(
    [...subscriptions].map((s) =>
      collect(clientsFor(s).privateDns.privateZones.list()).catch((e) => {
        throw explainReadError(e, "the private DNS zones of subscription", `/subscriptions/${s}`);
      }),
    ),
  );
  const zonesById = new Map<string, PrivateZone>();
  for (const zone of listedZones.flat()) {
    zonesById.set((zone.id as string).toLowerCase(), zone);
    if (needed.has((zone.name ?? "").toLowerCase())) zoneIds.add(zone.id as string);
  }
  await Promise.all(
    [...zoneIds].map(async (zoneId) => topology.zones.set(zoneId.toLowerCase(), await readZone(clientsFor, zoneId, zonesById.get(zoneId.toLowerCase())))),
  );
}

async function readZone(clientsFor: ClientsForSubscription, zoneId: string, zone: PrivateZone | undefined): Promise<ZoneState> {
  const { subscriptionId, resourceGroup, name } = idParts(zoneId);
  const state: ZoneState = { id: zoneId, name, zone, links: [], aRecords: [] };
  if (!zone) return state;
  const client = clientsFor(subscriptionId).privateDns;
  try {
    [state.links, state.aRecords] = await Promise.all([
      collect(client.virtualNetworkLinks.list(resourceGroup, name)),
      collect(client.recordSets.listByType(resourceGroup, name, "A")),
    ]);
  } catch (error) {
    throw explainReadError(error, "private DNS zone", zoneId);
  }
  return state;
}
