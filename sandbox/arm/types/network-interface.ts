/**
 * Microsoft.Network/networkInterfaces. Shapes from azure-rest-api-specs network 2024-07-01 `networkInterface.json` and
 * example NetworkInterfaceCreate.json (test/fixtures/arm); SDK types NetworkInterface, NetworkInterfaceIPConfiguration
 * and NetworkInterfaceIPConfigurationPrivateLinkConnectionProperties (a private endpoint's NIC) in @azure/arm-network.
 */
import { ArmError } from "../arm-error";
import { ResourceTypeSpec, requireReference } from "../resource-type";
import type { StoredResource } from "../store";
import { guidFrom } from "../../http/random";
import { allocateAddress, checkStaticAddress, NIC } from "./address-allocation";
import { requireSameRegion, resourceGuid, sameId, vnetOfSubnet, trackedLocation } from "./common";
import { NSG } from "./security-group";
import { asObject, asObjects, JsonObject, propertiesOf, refIdOf } from "./wire";

const SUBNET = "Microsoft.Network/virtualNetworks/subnets";
const PUBLIC_IP = "Microsoft.Network/publicIPAddresses";
const VM = "Microsoft.Compute/virtualMachines";

/** An IP configuration as this type stores it (the request's name and pass-through values stay as sent). */
export interface WireNicIpConfiguration {
  name: unknown;
  id: string;
  etag: string;
  type: "Microsoft.Network/networkInterfaces/ipConfigurations";
  properties: {
    provisioningState: "Succeeded";
    privateIPAddress: string;
    privateIPAllocationMethod: unknown;
    subnet: { id: string };
    primary: unknown;
    privateIPAddressVersion: "IPv4";
    /** Set by a private endpoint's write (groupId, requiredMemberName, fqdns); a raw PUT may send anything here. */
    privateLinkConnectionProperties?: JsonObject;
    publicIPAddress?: { id: string };
  };
}

/** The IP configurations of a NIC the sandbox stored (its write built them), or none. */
export function nicIpConfigurations(nic: StoredResource | undefined): WireNicIpConfiguration[] {
  return (propertiesOf(nic?.body).ipConfigurations ?? []) as WireNicIpConfiguration[];
}

export const networkInterfaceType: ResourceTypeSpec = {
  type: NIC,
  lro: "network",
  placement: "tracked",
  etag: true,
  write(ctx, request) {
    const props = propertiesOf(request.body);
    const location = String(asObject(request.body).location).replace(/\s+/g, "").toLowerCase();
    const configs = asObjects(props.ipConfigurations);
    if (configs.length === 0)
      throw new ArmError(400, "InvalidRequestFormat", `Cannot parse the request. Network interface ${request.id} must have at least one IP configuration.`);
    const previous = nicIpConfigurations(request.existing);
    const taken = new Set<string>();
    const ipConfigurations = configs.map((config, index): WireNicIpConfiguration => {
      const cp = asObject(config.properties);
      // An IP configuration without a subnet goes into the primary configuration's subnet, as in Azure.
      const subnetRef = cp.subnet ?? asObject(configs.find((c) => asObject(c.properties).primary)?.properties).subnet ?? asObject(configs[0].properties).subnet;
      const subnet = requireReference(ctx, subnetRef, SUBNET, request.id);
      const vnet = vnetOfSubnet(ctx, subnet.id);
      if (vnet) requireSameRegion("Virtual network", location, vnet.id, trackedLocation(vnet), request.id);
      const method = cp.privateIPAllocationMethod ?? (cp.privateIPAddress ? "Static" : "Dynamic");
      const before = previous.find((p) => p.name === config.name && sameId(p.properties.subnet.id, subnet.id));
      let address: string;
      if (method === "Static") {
        address = String(cp.privateIPAddress);
        checkStaticAddress(ctx, subnet, address, request.id);
      } else {
        address = before?.properties.privateIPAddress ?? allocateAddress(ctx, subnet, taken);
      }
      taken.add(address);
      let publicIPAddress: { id: string } | undefined;
      if (refIdOf(cp.publicIPAddress)) {
        const publicIp = requireReference(ctx, cp.publicIPAddress, PUBLIC_IP, request.id);
        const holder = ctx.store.referencing(publicIp.id).find((r) => r.type === NIC && !sameId(r.id, request.id));
        if (holder)
          throw new ArmError(
            400,
            "PublicIPAddressInUse",
            `Resource ${publicIp.id} is referenced by resource ${holder.id}. A public IP address can be used by only one resource.`,
          );
        publicIPAddress = { id: publicIp.id };
      }
      const name = String(config.name);
      return {
        name: config.name,
        id: `${request.id}/ipConfigurations/${name}`,
        etag: `W/"${guidFrom(request.id + name)}"`,
        type: "Microsoft.Network/networkInterfaces/ipConfigurations",
        properties: {
          provisioningState: "Succeeded",
          privateIPAddress: address,
          privateIPAllocationMethod: method,
          subnet: { id: subnet.id },
          primary: cp.primary ?? index === 0,
          privateIPAddressVersion: "IPv4",
          ...(cp.privateLinkConnectionProperties ? { privateLinkConnectionProperties: asObject(cp.privateLinkConnectionProperties) } : {}),
          ...(publicIPAddress ? { publicIPAddress } : {}),
        },
      };
    });
    let networkSecurityGroup: { id: string } | undefined;
    if (refIdOf(props.networkSecurityGroup)) {
      const nsg = requireReference(ctx, props.networkSecurityGroup, NSG, request.id);
      requireSameRegion("Network security group", location, nsg.id, trackedLocation(nsg), request.id);
      networkSecurityGroup = { id: nsg.id };
    }
    return {
      properties: {
        resourceGuid: resourceGuid(request),
        ipConfigurations,
        dnsSettings: { dnsServers: asObject(props.dnsSettings).dnsServers ?? [], appliedDnsServers: [] },
        enableAcceleratedNetworking: props.enableAcceleratedNetworking ?? false,
        enableIPForwarding: props.enableIPForwarding ?? false,
        nicType: "Standard",
        macAddress: propertiesOf(request.existing?.body).macAddress ?? macFrom(request.id),
        ...(props.privateEndpoint ? { privateEndpoint: { id: asObject(props.privateEndpoint).id } } : {}),
        ...(networkSecurityGroup ? { networkSecurityGroup } : {}),
      },
    };
  },
  view(ctx, nic, body) {
    const vm = ctx.store.referencing(nic.id).find((r) => r.type === VM);
    if (vm) propertiesOf(body).virtualMachine = { id: vm.id };
  },
  checkDelete(ctx, nic) {
    const vm = ctx.store.referencing(nic.id).find((r) => r.type === VM);
    if (vm) {
      throw new ArmError(
        400,
        "NicInUse",
        `Network Interface ${nic.id} is used by existing resource ${vm.id}. In order to delete the network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.`,
      );
    }
  },
};

function macFrom(id: string): string {
  const hex = guidFrom(id).replace(/-/g, "").slice(0, 12).toUpperCase();
  return `00-0D-3A-${hex.slice(0, 2)}-${hex.slice(2, 4)}-${hex.slice(4, 6)}`;
}
