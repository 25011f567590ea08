/**
 * Microsoft.Network/azureFirewalls. Shapes from azure-rest-api-specs network 2024-05-01 `azureFirewall.json` and
 * examples AzureFirewallPut.json (classic rule collections, ipConfigurations[].properties.privateIPAddress),
 * AzureFirewallPutWithAdditionalProperties/AzureFirewallPutInHub.json (sku AZFW_Hub, hubIPAddresses); SDK types
 * AzureFirewall* in @azure/arm-network. Placement rules from learn.microsoft.com azure/firewall/firewall-faq ("Why
 * does Azure Firewall need a /26 subnet size?") and tutorial-firewall-deploy-portal (subnet named AzureFirewallSubnet).
 */
import type { AzureFirewallApplicationRule, AzureFirewallNatRule, AzureFirewallNetworkRule, AzureFirewallSku } from "@azure/arm-network";
import { parseCidr } from "../../../network/cidr";
import { ArmError } from "../arm-error";
import { ArmContext, ResourceTypeSpec, requireReference } from "../resource-type";
import type { StoredResource } from "../store";
import { allocateAddress } from "./address-allocation";
import { requireEnum, requireSameRegion, sameId, vnetOfSubnet, trackedLocation } from "./common";
import { asObject, asObjects, asString, JsonObject, refIdOf, requirePriority } from "./wire";

export const AZURE_FIREWALL = "Microsoft.Network/azureFirewalls";
export const FIREWALL_POLICY = "Microsoft.Network/firewallPolicies";
const SUBNET = "Microsoft.Network/virtualNetworks/subnets";
const PUBLIC_IP = "Microsoft.Network/publicIPAddresses";
export const FIREWALL_SUBNET_NAME = "AzureFirewallSubnet";

interface WireIpConfiguration {
  name: string;
  id: string;
  etag?: string;
  type: string;
  properties: {
    provisioningState: "Succeeded";
    privateIPAddress?: string;
    privateIPAllocationMethod?: "Dynamic";
    subnet?: { id: string };
    publicIPAddress?: { id: string };
  };
}

interface WireRuleCollection<R> {
  name: string;
  id: string;
  properties: { priority: number; action: { type: string }; rules: R[]; provisioningState: "Succeeded" };
}

const CLASSIC = [
  { property: "networkRuleCollections", actions: ["Allow", "Deny"] },
  { property: "applicationRuleCollections", actions: ["Allow", "Deny"] },
  { property: "natRuleCollections", actions: ["Dnat", "Snat"] },
] as const;

/** The subnet a firewall IP configuration may use: named AzureFirewallSubnet, /26 or larger, same region. */
function firewallSubnet(ctx: ArmContext, ipConfiguration: JsonObject, location: string, where: string): StoredResource {
  const subnetRef = asObject(ipConfiguration.properties).subnet;
  if (!refIdOf(subnetRef)) {
    // Real refusal (MicrosoftDocs/azure-docs#78914): InvalidRequestFormat / MissingJsonReferenceId.
    throw new ArmError(
      400,
      "InvalidRequestFormat",
      `Cannot parse the request. Value for reference id is missing. Path properties.ipConfigurations[0].properties.subnet.`,
    );
  }
  const subnet = requireReference(ctx, subnetRef, SUBNET, where);
  // Code name unverified (no recorded refusal found); the rule itself is documented (tutorial-firewall-deploy-portal).
  if (subnet.name !== FIREWALL_SUBNET_NAME) {
    throw new ArmError(
      400,
      "AzureFirewallSubnetNameInvalid",
      `Subnet ${subnet.id} referenced by ${where} is invalid for Azure Firewall: the firewall's subnet must be named '${FIREWALL_SUBNET_NAME}'.`,
    );
  }
  const prefix = parseCidr(String(asObject(asObject(subnet.body).properties).addressPrefix));
  if (prefix.prefixLength > 26) {
    throw new ArmError(
      400,
      "AzureFirewallSubnetTooSmall",
      `Subnet ${subnet.id} (${prefix.text}) is too small for Azure Firewall: '${FIREWALL_SUBNET_NAME}' must be /26 or larger.`,
    );
  }
  const vnet = vnetOfSubnet(ctx, subnet.id) as StoredResource;
  requireSameRegion("Virtual network", location, vnet.id, trackedLocation(vnet), where);
  return subnet;
}

function ipConfigurations(ctx: ArmContext, requestId: string, body: JsonObject, location: string, before: WireIpConfiguration[]): WireIpConfiguration[] {
  const given = asObjects(asObject(body.properties).ipConfigurations);
  if (given.length === 0) {
    throw new ArmError(
      400,
      "AzureFirewallMustHaveIpConfiguration",
      `Azure Firewall ${requestId} with SKU AZFW_VNet needs at least one IP configuration in subnet '${FIREWALL_SUBNET_NAME}'.`,
    );
  }
  const subnet = firewallSubnet(ctx, given[0], location, requestId);
  return given.map((ipc, index) => {
    const name = asString(ipc.name) ?? `ipconfig${index + 1}`;
    const props = asObject(ipc.properties);
    const publicIp = refIdOf(props.publicIPAddress) ? requireReference(ctx, props.publicIPAddress, PUBLIC_IP, requestId) : undefined;
    const previous = before.find((b) => b.name === name);
    const publicIpRef = publicIp ? { publicIPAddress: { id: publicIp.id } } : {};
    const base = { name, id: `${requestId}/ipConfigurations/${name}`, type: "Microsoft.Network/azureFirewalls/azureFirewallIpConfigurations" };
    // Only the first configuration sits in AzureFirewallSubnet; the others carry extra public IPs.
    if (index > 0) return { ...base, properties: { provisioningState: "Succeeded" as const, ...publicIpRef } };
    // The firewall's private IP: the first free address of AzureFirewallSubnet (.4), kept across updates.
    const privateIPAddress = previous?.properties.privateIPAddress ?? allocateAddress(ctx, subnet, takenByFirewalls(ctx, subnet.id, requestId));
    return {
      ...base,
      properties: {
        provisioningState: "Succeeded" as const,
        privateIPAddress,
        privateIPAllocationMethod: "Dynamic" as const,
        subnet: { id: subnet.id },
        ...publicIpRef,
      },
    };
  });
}

/** Addresses other firewalls already hold in the subnet (firewalls have no NIC, so address-allocation does not see them). */
function takenByFirewalls(ctx: ArmContext, subnetId: string, selfId: string): Set<string> {
  const taken = new Set<string>();
  for (const holder of ctx.store.referencing(subnetId)) {
    if (holder.type !== AZURE_FIREWALL || sameId(holder.id, selfId)) continue;
    for (const ipc of asObjects(asObject(asObject(holder.body).properties).ipConfigurations)) {
      const address = asString(asObject(ipc.properties).privateIPAddress);
      if (address) taken.add(address);
    }
  }
  return taken;
}

function classicCollections(
  requestId: string,
  props: JsonObject,
): Record<string, Array<WireRuleCollection<AzureFirewallNetworkRule | AzureFirewallApplicationRule | AzureFirewallNatRule>>> {
  const result: Record<string, Array<WireRuleCollection<AzureFirewallNetworkRule | AzureFirewallApplicationRule | AzureFirewallNatRule>>> = {};
  for (const { property, actions } of CLASSIC) {
    result[property] = asObjects(props[property]).map((collection, index) => {
      const name = asString(collection.name) ?? `${property}-${index}`;
      const where = `${requestId}/${property}/${name}`;
      const cp = asObject(collection.properties);
      const action = requireEnum(asObject(cp.action).type, [...actions], "action.type", where);
      return {
        name,
        id: where,
        properties: {
          priority: requirePriority(cp.priority, "priority", where),
          action: { type: action },
          rules: asObjects(cp.rules),
          provisioningState: "Succeeded",
        },
      };
    });
  }
  return result;
}

export const azureFirewallType: ResourceTypeSpec = {
  type: AZURE_FIREWALL,
  lro: "network",
  placement: "tracked",
  etag: true,
  write(ctx, request) {
    const body = asObject(request.body);
    const props = asObject(body.properties);
    const location = String(body.location).replace(/\s+/g, "").toLowerCase();
    const skuGiven = asObject(props.sku);
    const sku: AzureFirewallSku = {
      name: requireEnum(skuGiven.name ?? "AZFW_VNet", ["AZFW_VNet", "AZFW_Hub"], "sku.name", request.id),
      tier: requireEnum(skuGiven.tier ?? "Standard", ["Basic", "Standard", "Premium"], "sku.tier", request.id),
    };
    const policy = refIdOf(props.firewallPolicy) ? requireReference(ctx, props.firewallPolicy, FIREWALL_POLICY, request.id) : undefined;
    const classic = classicCollections(request.id, props);
    const hasClassic = Object.values(classic).some((list) => list.length > 0);
    if (policy && hasClassic) {
      // Documented (azure/firewall/policy-rule-sets): a firewall uses either a policy or classic rules; code name unverified.
      throw new ArmError(
        400,
        "AzureFirewallWithPolicyCannotHaveRuleCollections",
        `Azure Firewall ${request.id} references firewall policy ${policy.id} and also has classic rule collections; a firewall managed by a policy takes its rules from the policy only.`,
      );
    }
    const threatIntelMode = requireEnum(props.threatIntelMode ?? "Alert", ["Alert", "Deny", "Off"], "threatIntelMode", request.id);
    const before = (asObject(asObject(request.existing?.body).properties).ipConfigurations ?? []) as WireIpConfiguration[];
    const common = {
      sku,
      threatIntelMode,
      additionalProperties: asObject(props.additionalProperties),
      ...(policy ? { firewallPolicy: { id: policy.id } } : {}),
      ...classic,
    };
    if (sku.name === "AZFW_Hub") {
      // AzureFirewallPutInHub.json: hub firewalls sit in a virtual hub and have hubIPAddresses instead of ipConfigurations. Virtual hubs are not modelled.
      requireReference(ctx, props.virtualHub, "Microsoft.Network/virtualHubs", request.id);
    }
    return {
      zones: Array.isArray(body.zones) ? body.zones : [],
      properties: { ...common, ipConfigurations: ipConfigurations(ctx, request.id, body, location, before), ipGroups: [] },
    };
  },
};
