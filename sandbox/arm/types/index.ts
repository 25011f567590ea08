import type { AmlState } from "../../aml/aml-state";
import { mlComponentType, mlComponentVersionType } from "../../aml/component-types";
import { mlJobType } from "../../aml/job-type";
import { TypeRegistry } from "../resource-type";
import { azureFirewallType } from "./azure-firewall";
import { computeTypes } from "./compute";
import { forwardingRulesetType, forwardingRuleType, rulesetVnetLinkType } from "./dns-forwarding-ruleset";
import { dnsResolverType, inboundEndpointType, outboundEndpointType } from "./dns-resolver";
import { dnsZoneGroupType } from "./dns-zone-group";
import { mlComputeType, WORKSPACE, workspaceType } from "./machine-learning";
import { managedClusterType } from "./managed-cluster";
import { onlineDeploymentType, onlineEndpointType } from "./ml-inference";
import { firewallPolicyType, ruleCollectionGroupType } from "./firewall-policy";
import { networkInterfaceType } from "./network-interface";
import { peeringType } from "./peering";
import { allRecordSetsType, privateDnsZoneType, recordSetTypes, virtualNetworkLinkType } from "./private-dns";
import { privateEndpointType } from "./private-endpoint";
import { privateEndpointConnectionType } from "./private-endpoint-connection";
import { natGatewayType, publicIpType } from "./public-ip";
import { routeTableType, routeType } from "./route-table";
import { networkSecurityGroupType, securityRuleType } from "./security-group";
import { subnetType } from "./subnet";
import { virtualNetworkType } from "./virtual-network";
import { insightsComponentType, REGISTRY, registryType, STORAGE, storageAccountType, VAULT, vaultType } from "./workspace-dependencies";

/** Every resource type the sandbox's ARM serves. */
export function createTypeRegistry(tenantId: string, aml?: AmlState): TypeRegistry {
  const registry = new TypeRegistry();
  // v2 jobs take their status from the AML state (runs); a registry built without one has no jobs type.
  if (aml) registry.register(mlJobType(aml));
  registry.register(mlComponentType, mlComponentVersionType);
  return registry.register(
    virtualNetworkType,
    subnetType,
    peeringType,
    networkSecurityGroupType,
    securityRuleType,
    routeTableType,
    routeType,
    networkInterfaceType,
    publicIpType,
    natGatewayType,
    privateEndpointType,
    dnsZoneGroupType,
    privateDnsZoneType,
    virtualNetworkLinkType,
    ...recordSetTypes,
    allRecordSetsType,
    ...computeTypes(tenantId),
    workspaceType(tenantId),
    mlComputeType,
    onlineEndpointType(tenantId),
    onlineDeploymentType,
    managedClusterType(tenantId),
    storageAccountType,
    vaultType(tenantId),
    registryType,
    insightsComponentType,
    ...[WORKSPACE, STORAGE, VAULT, REGISTRY].map(privateEndpointConnectionType),
    azureFirewallType,
    firewallPolicyType,
    ruleCollectionGroupType,
    dnsResolverType,
    inboundEndpointType,
    outboundEndpointType,
    forwardingRulesetType,
    forwardingRuleType,
    rulesetVnetLinkType,
  );
}
