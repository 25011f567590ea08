import { ArmError } from "../arm-error";
import { ResourceTypeSpec, requireReference } from "../resource-type";
import type { Json } from "../store";
import { guidFrom } from "../../http/random";
import { allocateAddress, checkStaticAddress, NIC } from "./address-allocation";
import { refId, requireSameRegion, resourceGuid, sameId, vnetOfSubnet } from "./common";
import { NSG } from "./security-group";

const SUBNET = "Microsoft.Network/virtualNetworks/subnets";
const PUBLIC_IP = "Microsoft.Network/publicIPAddresses";
const VM = "Microsoft.Compute/virtualMachines";

export const networkInterfaceType: ResourceTypeSpec = {
  type: NIC,
  lro: "network",
  placement: "tracked",
  etag: true,
  write(ctx, request) {
    const props = request.body.properties ?? {};
    const location = String(request.body.location).replace(/\s+/g, "").toLowerCase();
    const configs: Json[] = props.ipConfigurations ?? [];
    if (configs.length === 0)
      throw new ArmError(400, "InvalidRequestFormat", `Cannot parse the request. Network interface ${request.id} must have at least one IP configuration.`);
    const previous: Json[] = request.existing?.body.properties.ipConfigurations ?? [];
    const taken = new Set<string>();
    const ipConfigurations = configs.map((config, index) => {
      const cp = config.properties ?? {};
      // An IP configuration without a subnet goes into the primary configuration's subnet, as in Azure.
      const subnetRef = cp.subnet ?? configs.find((c) => c.properties?.primary)?.properties?.subnet ?? configs[0].properties?.subnet;
      const subnet = requireReference(ctx, subnetRef, SUBNET, request.id);
      const vnet = vnetOfSubnet(ctx, subnet.id);
      if (vnet) requireSameRegion("Virtual network", location, vnet.id, vnet.body.location, request.id);
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
      const result: Json = {
        name: config.name,
        id: `${request.id}/ipConfigurations/${config.name}`,
        etag: `W/"${guidFrom(request.id + config.name)}"`,
        type: "Microsoft.Network/networkInterfaces/ipConfigurations",
        properties: {
          provisioningState: "Succeeded",
          privateIPAddress: address,
          privateIPAllocationMethod: method,
          subnet: { id: subnet.id },
          primary: cp.primary ?? index === 0,
          privateIPAddressVersion: "IPv4",
        },
      };
      if (cp.privateLinkConnectionProperties) result.properties.privateLinkConnectionProperties = cp.privateLinkConnectionProperties;
      const publicIpId = refId(cp.publicIPAddress);
      if (publicIpId) {
        const publicIp = requireReference(ctx, cp.publicIPAddress, PUBLIC_IP, request.id);
        const holder = ctx.store.referencing(publicIp.id).find((r) => r.type === NIC && !sameId(r.id, request.id));
        if (holder)
          throw new ArmError(
            400,
            "PublicIPAddressInUse",
            `Resource ${publicIp.id} is referenced by resource ${holder.id}. A public IP address can be used by only one resource.`,
          );
        result.properties.publicIPAddress = { id: publicIp.id };
      }
      return result;
    });
    const out: Json = {
      properties: {
        resourceGuid: resourceGuid(request),
        ipConfigurations,
        dnsSettings: { dnsServers: props.dnsSettings?.dnsServers ?? [], appliedDnsServers: [] },
        enableAcceleratedNetworking: props.enableAcceleratedNetworking ?? false,
        enableIPForwarding: props.enableIPForwarding ?? false,
        nicType: "Standard",
        macAddress: request.existing?.body.properties.macAddress ?? macFrom(request.id),
      },
    };
    if (props.privateEndpoint) out.properties.privateEndpoint = { id: props.privateEndpoint.id };
    const nsgId = refId(props.networkSecurityGroup);
    if (nsgId) {
      const nsg = requireReference(ctx, props.networkSecurityGroup, NSG, request.id);
      requireSameRegion("Network security group", location, nsg.id, nsg.body.location, request.id);
      out.properties.networkSecurityGroup = { id: nsg.id };
    }
    return out;
  },
  view(ctx, nic, body) {
    const vm = ctx.store.referencing(nic.id).find((r) => r.type === VM);
    if (vm) body.properties.virtualMachine = { id: vm.id };
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
