import type { NetworkInterface, NetworkInterfaceIPConfiguration } from "@azure/arm-network";
import { ArmError } from "./arm-error";
import type { ArmService } from "./arm-service";
import { guidFrom } from "../http/random";
import { json, type Handler, type SandboxRequest, type SandboxResponse } from "../http/message";
import type { StoredResource } from "./store";
import { VMSS_VM } from "./types/address-allocation";

/**
 * The network interfaces of Uniform scale-set instances, which Azure serves from the Network resource provider under
 * the Compute path (spec network `VirtualMachineScaleSetVMs_ListNetworkInterfaces`, examples
 * VmssVmNetworkInterfaceList.json / VmssNetworkInterfaceGet.json; @azure/arm-network
 * `networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces`, path
 * `.../microsoft.Compute/virtualMachineScaleSets/{vmss}/virtualMachines/{index}/networkInterfaces`):
 *
 *   GET .../virtualMachineScaleSets/{vmss}/virtualMachines/{index}/networkInterfaces[/{nic}]
 *   GET .../virtualMachineScaleSets/{vmss}/networkInterfaces
 *
 * These operations exist only at api-version 2018-10-01 (and older) in the spec (parameter ApiVersionVmssParameter;
 * the SDK pins `apiVersion1 = "2018-10-01"` for them); other versions are refused as ARM refuses an unknown one.
 * The body follows the NIC shape with `virtualMachine` naming the instance (as in the spec example and Azure/AgentBaker
 * e2e/utils/azure/models.go listVMSSVMNetworkInterfaceResult). Scale-set instance NICs are not Microsoft.Network
 * resources of their own: `GET .../networkInterfaces/{nic}` at the Network path does not find them.
 */
const VMSS_NIC_API_VERSIONS = ["2016-09-01", "2017-03-30", "2018-10-01"];
const PATH =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/microsoft\.compute\/virtualMachineScaleSets\/([^/]+)(?:\/virtualMachines\/([^/]+))?\/networkInterfaces(?:\/([^/]+))?\/?$/i;
const COMPUTE_API_VERSION = "2024-07-01";

interface InstanceIpConfiguration {
  name: string;
  id: string;
  subnetId: string;
  privateIPAddress: string;
}

interface ProfileNic {
  name: string;
  properties?: {
    primary?: boolean;
    enableAcceleratedNetworking?: boolean;
    enableIPForwarding?: boolean;
    networkSecurityGroup?: { id?: string };
    dnsSettings?: { dnsServers?: string[] };
    ipConfigurations?: Array<{ name: string; properties?: { primary?: boolean } }>;
  };
}

export function scaleSetNicHandler(arm: ArmService): Handler {
  return (req) => {
    if (req.method !== "GET") return undefined;
    const match = PATH.exec(req.url.pathname);
    if (!match) return undefined;
    const [, subscriptionId, resourceGroup, scaleSetName, instanceId, nicName] = match;
    const scaleSetPath = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${scaleSetName}`;
    // Authentication, authorization and "does the scale set (instance) exist" are ARM's: ask it for the parent.
    const parent = arm.handle(withPath(req, instanceId === undefined ? scaleSetPath : `${scaleSetPath}/virtualMachines/${instanceId}`));
    if (!parent || parent.status !== 200) return parent;
    const apiVersion = req.url.searchParams.get("api-version");
    if (!apiVersion || !VMSS_NIC_API_VERSIONS.includes(apiVersion)) {
      return refusal(
        new ArmError(
          400,
          apiVersion ? "InvalidApiVersionParameter" : "MissingApiVersionParameter",
          apiVersion
            ? `The api-version '${apiVersion}' is invalid. The supported versions are '${VMSS_NIC_API_VERSIONS.join(",")}'.`
            : "The api-version query parameter (?api-version=) is required for all requests.",
        ),
      );
    }
    const scaleSet = arm.store.getResource(scaleSetPath) as StoredResource;
    const instances =
      instanceId === undefined
        ? arm.store.childrenOf(scaleSet.id, VMSS_VM)
        : [arm.store.getResource(`${scaleSetPath}/virtualMachines/${instanceId}`) as StoredResource];
    const nics = instances.flatMap((instance) => instanceNics(scaleSet, instance));
    if (nicName === undefined) return json(200, { value: nics });
    const nic = nics.find((n) => n.name?.toLowerCase() === nicName.toLowerCase());
    if (!nic)
      return refusal(
        new ArmError(
          404,
          "ResourceNotFound",
          `The Resource 'Microsoft.Compute/virtualMachineScaleSets/${scaleSetName}/virtualMachines/${instanceId}/networkInterfaces/${nicName}' under resource group '${resourceGroup}' was not found.`,
        ),
      );
    return json(200, nic);
  };
}

/** The NICs of one instance: one per networkInterfaceConfiguration of the scale set's model, with the instance's addresses. */
export function instanceNics(scaleSet: StoredResource, instance: StoredResource): WireResource[] {
  const model = scaleSet.body as {
    location?: string;
    properties?: { virtualMachineProfile?: { networkProfile?: { networkInterfaceConfigurations?: ProfileNic[] } } };
  };
  const held = instance.body as { properties?: { networkProfileConfiguration?: { ipConfigurations?: InstanceIpConfiguration[] } } };
  const profileNics = model.properties?.virtualMachineProfile?.networkProfile?.networkInterfaceConfigurations ?? [];
  const addresses = held.properties?.networkProfileConfiguration?.ipConfigurations ?? [];
  return profileNics
    .map((config, index) => {
      const nicId = `${instance.id}/networkInterfaces/${config.name}`;
      const ipConfigurations: NetworkInterfaceIPConfiguration[] = (config.properties?.ipConfigurations ?? []).flatMap((ipc, ipcIndex) => {
        const held = addresses.find((a) => a.id.toLowerCase() === `${nicId}/ipConfigurations/${ipc.name}`.toLowerCase());
        if (!held) return [];
        return [
          {
            name: ipc.name,
            id: held.id,
            etag: `W/"${guidFrom(held.id + "etag")}"`,
            provisioningState: "Succeeded",
            privateIPAddress: held.privateIPAddress,
            privateIPAllocationMethod: "Dynamic",
            subnet: { id: held.subnetId },
            primary: ipc.properties?.primary ?? ipcIndex === 0,
            privateIPAddressVersion: "IPv4",
          },
        ];
      });
      const properties = config.properties ?? {};
      return {
        name: config.name,
        id: nicId,
        etag: `W/"${guidFrom(nicId + "etag")}"`,
        type: "Microsoft.Network/networkInterfaces",
        location: model.location,
        provisioningState: "Succeeded",
        resourceGuid: guidFrom(nicId.toLowerCase()),
        ipConfigurations,
        dnsSettings: { dnsServers: properties.dnsSettings?.dnsServers ?? [], appliedDnsServers: [] },
        macAddress: guidFrom(nicId + "mac")
          .replace(/-/g, "")
          .slice(0, 12)
          .toUpperCase(),
        enableAcceleratedNetworking: properties.enableAcceleratedNetworking ?? false,
        enableIPForwarding: properties.enableIPForwarding ?? false,
        primary: properties.primary ?? index === 0,
        virtualMachine: { id: instance.id },
        ...(properties.networkSecurityGroup?.id ? { networkSecurityGroup: { id: properties.networkSecurityGroup.id } } : {}),
      };
    })
    .map(toWire);
}

/** A resource as ARM sends it: the SDK model's flattened properties under `properties`. */
export interface WireResource {
  name?: string;
  id?: string;
  etag?: string;
  type?: string;
  location?: string;
  properties: Record<string, unknown>;
}

function toWire(nic: NetworkInterface): WireResource {
  const { name, id, etag, type, location, ipConfigurations, ...properties } = nic;
  const wireIpConfigurations = (ipConfigurations ?? []).map(({ name: n, id: i, etag: e, ...p }) => ({ name: n, id: i, etag: e, properties: p }));
  return { name, id, etag, type, location, properties: { ...properties, ipConfigurations: wireIpConfigurations } };
}

function withPath(req: SandboxRequest, pathname: string): SandboxRequest {
  const url = new URL(req.url.href);
  url.pathname = pathname;
  url.searchParams.set("api-version", COMPUTE_API_VERSION);
  return { ...req, url };
}

function refusal(error: ArmError): SandboxResponse {
  return json(error.status, error.toBody(), error.headers);
}
