import { json, headerValue, type Handler, type SandboxResponse } from "../http/message";
import type { ResourceStore, StoredResource } from "./store";
import { instanceNics } from "./scale-set-nics";
import { VMSS_VM } from "./types/address-allocation";

/**
 * The Azure Instance Metadata Service (IMDS) of each sandbox VM and scale-set instance. Real IMDS answers at
 * http://169.254.169.254 only from inside the VM, so it knows who asks; the sandbox serves each machine's IMDS under
 * its own prefix, `{origin}/_imds{machine resource ID}`, and sets that prefix as AMLVNET_IMDS_ENDPOINT in the VM's
 * environment. Shapes from learn.microsoft.com/azure/virtual-machines/instance-metadata-service ("Instance
 * metadata" sample response, "Errors and debugging", "Versioning"):
 * - `GET /metadata/instance?api-version=...` with header `Metadata: true` → `{compute, network}`.
 * - A VM: `compute.name` is the VM name, `compute.resourceId` `.../virtualMachines/{vm}`, `vmScaleSetName` "".
 * - A Uniform scale-set instance: `compute.name` = `{vmss}_{instanceId}`, `compute.resourceId` =
 *   `.../virtualMachineScaleSets/{vmss}/virtualMachines/{instanceId}`, `vmScaleSetName` = `{vmss}`.
 * - `network.interface[].ipv4.ipAddress[].privateIpAddress` and `.subnet[].{address, prefix}`, `macAddress`.
 * - No `Metadata: true` header → 400 `{"error": "Bad request. Required metadata header not specified"}`; no
 *   api-version → 400 with `newest-versions`; an unknown version → 400 likewise; a request carrying
 *   X-Forwarded-For → 400 (IMDS refuses proxied requests); a method other than GET → 405.
 */
const IMDS_PREFIX = "/_imds";
const VM = "Microsoft.Compute/virtualMachines";
const VMSS = "Microsoft.Compute/virtualMachineScaleSets";
const NIC = "Microsoft.Network/networkInterfaces";
const API_VERSIONS = [
  "2017-03-01",
  "2017-04-02",
  "2017-08-01",
  "2017-12-01",
  "2018-02-01",
  "2018-04-02",
  "2018-10-01",
  "2019-02-01",
  "2019-03-11",
  "2019-04-30",
  "2019-06-01",
  "2019-06-04",
  "2019-08-01",
  "2019-08-15",
  "2019-11-01",
  "2020-06-01",
  "2020-07-15",
  "2020-09-01",
  "2020-10-01",
  "2020-12-01",
  "2021-01-01",
  "2021-02-01",
  "2021-03-01",
  "2021-05-01",
  "2021-10-01",
  "2021-11-01",
  "2021-11-15",
  "2021-12-13",
  "2023-07-01",
];
const NEWEST = ["2023-07-01", "2021-12-13", "2021-11-15"];

/** The IMDS endpoint a process on `machineId` (a VM or a scale-set instance) uses, as AMLVNET_IMDS_ENDPOINT. */
export function imdsEndpointFor(origin: string, machineId: string): string {
  return `${origin}${IMDS_PREFIX}${machineId}`;
}

export function instanceMetadataHandler(store: ResourceStore): Handler {
  return (req) => {
    const path = req.url.pathname;
    if (!path.startsWith(`${IMDS_PREFIX}/`)) return undefined;
    const at = path.toLowerCase().lastIndexOf("/metadata/");
    if (at < 0) return imdsError(404, "Not found");
    const machine = store.getResource(path.slice(IMDS_PREFIX.length, at));
    if (!machine || (machine.type !== VM && machine.type !== VMSS_VM)) return imdsError(404, "Not found");
    if (req.method !== "GET") return imdsError(405, "Method not allowed");
    if (headerValue(req, "x-forwarded-for") !== undefined) return imdsError(400, "Bad request. Request with X-Forwarded-For header is not allowed");
    if (headerValue(req, "metadata")?.toLowerCase() !== "true") return imdsError(400, "Bad request. Required metadata header not specified");
    const version = req.url.searchParams.get("api-version");
    if (!version)
      return json(400, {
        error: "Bad request. api-version was not specified in the request. For more information refer to aka.ms/azureimds",
        "newest-versions": NEWEST,
      });
    if (!API_VERSIONS.includes(version))
      return json(400, {
        error: "Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds",
        "newest-versions": NEWEST,
      });
    if (path.slice(at).replace(/\/+$/, "").toLowerCase() !== "/metadata/instance") return imdsError(404, "Not found");
    return json(200, instanceDocument(store, machine));
  };
}

function imdsError(status: number, error: string): SandboxResponse {
  return json(status, { error });
}

interface ImdsInterface {
  ipv4: { ipAddress: Array<{ privateIpAddress: string; publicIpAddress: string }>; subnet: Array<{ address: string; prefix: string }> };
  ipv6: { ipAddress: [] };
  macAddress: string;
}

/**
 * The stored bodies read here, in ARM wire shape (`properties` nested): Microsoft.Compute virtualMachines,
 * virtualMachineScaleSets and their VMs (compute.json), Microsoft.Network networkInterfaces and subnets.
 */
interface MachineBody {
  location?: string;
  sku?: { name?: string };
  properties?: {
    vmId?: string;
    hardwareProfile?: { vmSize?: string };
    osProfile?: { adminUsername?: string; computerName?: string; adminPassword?: string };
    networkProfile?: { networkInterfaces?: Array<{ id: string }> };
  };
}
interface NicBody {
  properties?: { macAddress?: string; ipConfigurations?: Array<{ properties: { privateIPAddress: string; subnet: { id: string } } }> };
}
interface SubnetBody {
  properties?: { addressPrefix?: string };
}

function instanceDocument(store: ResourceStore, machine: StoredResource): unknown {
  const parts = machine.id.split("/");
  const scaleSet = machine.type === VMSS_VM ? store.getResource(parts.slice(0, -2).join("/")) : undefined;
  const scaleSetName = scaleSet?.name ?? "";
  const body = machine.body as MachineBody;
  const vmSize = scaleSet ? ((scaleSet.body as MachineBody).sku?.name ?? "") : (body.properties?.hardwareProfile?.vmSize ?? "");
  const osProfile = body.properties?.osProfile ?? {};
  return {
    compute: {
      azEnvironment: "AzurePublicCloud",
      location: body.location ?? (scaleSet?.body as MachineBody | undefined)?.location ?? "",
      name: scaleSet ? `${scaleSetName}_${machine.name}` : machine.name,
      osType: "Linux",
      provider: "Microsoft.Compute",
      resourceGroupName: parts[4],
      resourceId: machine.id,
      subscriptionId: parts[2],
      vmId: body.properties?.vmId ?? "",
      vmScaleSetName: scaleSetName,
      vmSize,
      zone: "",
      tags: "",
      tagsList: [],
      osProfile: {
        adminUsername: osProfile.adminUsername ?? "",
        computerName: osProfile.computerName ?? "",
        disablePasswordAuthentication: String(!osProfile.adminPassword),
      },
    },
    network: { interface: scaleSet ? scaleSetInterfaces(store, scaleSet, machine) : vmInterfaces(store, machine) },
  };
}

function vmInterfaces(store: ResourceStore, vm: StoredResource): ImdsInterface[] {
  const refs = (vm.body as MachineBody).properties?.networkProfile?.networkInterfaces ?? [];
  return refs.flatMap((ref) => {
    const nic = store.getResource(ref.id);
    if (!nic || nic.type !== NIC) return [];
    const nicProps = (nic.body as NicBody).properties;
    const configs = nicProps?.ipConfigurations ?? [];
    return [
      imdsInterface(
        store,
        configs.map((c) => ({ address: c.properties.privateIPAddress, subnetId: c.properties.subnet.id })),
        nicProps?.macAddress ?? "",
      ),
    ];
  });
}

function scaleSetInterfaces(store: ResourceStore, scaleSet: StoredResource, instance: StoredResource): ImdsInterface[] {
  if (scaleSet.type !== VMSS) return [];
  return instanceNics(scaleSet, instance).map((nic) => {
    const configs = (nic.properties.ipConfigurations as Array<{ properties: { privateIPAddress: string; subnet: { id: string } } }>) ?? [];
    return imdsInterface(
      store,
      configs.map((c) => ({ address: c.properties.privateIPAddress, subnetId: c.properties.subnet.id })),
      String(nic.properties.macAddress ?? ""),
    );
  });
}

function imdsInterface(store: ResourceStore, addresses: Array<{ address: string; subnetId: string }>, mac: string): ImdsInterface {
  const subnets = [...new Set(addresses.map((a) => a.subnetId))].flatMap((subnetId) => {
    const prefix = (store.getResource(subnetId)?.body as SubnetBody | undefined)?.properties?.addressPrefix;
    if (!prefix) return [];
    const [address, bits] = prefix.split("/");
    return [{ address, prefix: bits }];
  });
  return {
    ipv4: { ipAddress: addresses.map((a) => ({ privateIpAddress: a.address, publicIpAddress: "" })), subnet: subnets },
    ipv6: { ipAddress: [] },
    macAddress: mac.replace(/-/g, ""),
  };
}
