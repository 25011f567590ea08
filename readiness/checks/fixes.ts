import { idParts, shortName } from "../topology/arm-id";

/** Ready-to-run `az` commands for the fixes the checks suggest. */

export function linkZoneCommand(zoneId: string, vnetId: string): string {
  const zone = idParts(zoneId);
  return `az network private-dns link vnet create --subscription ${zone.subscriptionId} --resource-group ${zone.resourceGroup} --zone-name ${zone.name} --name link-${shortName(vnetId)} --virtual-network ${vnetId} --registration-enabled false`;
}

export function createZoneCommand(zoneName: string, resourceGroupId: string): string {
  const rg = idParts(resourceGroupId + "/x");
  return `az network private-dns zone create --subscription ${rg.subscriptionId} --resource-group ${rg.resourceGroup} --name ${zoneName}`;
}

export function zoneGroupCommand(endpointId: string, zoneIds: string[]): string {
  const pe = idParts(endpointId);
  const zones = zoneIds.map((z) => `--private-dns-zone ${z}`).join(" ");
  return `az network private-endpoint dns-zone-group create --subscription ${pe.subscriptionId} --resource-group ${pe.resourceGroup} --endpoint-name ${pe.name} --name default --zone-name ${idParts(zoneIds[0] ?? "x").name} ${zones}`;
}

export function aRecordCommand(zoneId: string, recordName: string, ip: string): string {
  const zone = idParts(zoneId);
  return `az network private-dns record-set a add-record --subscription ${zone.subscriptionId} --resource-group ${zone.resourceGroup} --zone-name ${zone.name} --record-set-name ${recordName} --ipv4-address ${ip}`;
}

export function peeringCommand(fromVnetId: string, toVnetId: string): string {
  const from = idParts(fromVnetId);
  return `az network vnet peering create --subscription ${from.subscriptionId} --resource-group ${from.resourceGroup} --vnet-name ${from.name} --name peer-${from.name}-to-${shortName(toVnetId)} --remote-vnet ${toVnetId} --allow-vnet-access true`;
}

export function peeringUpdateCommand(peeringId: string, property: string): string {
  return `az network vnet peering update --ids ${peeringId} --set ${property}`;
}

export function peeringSyncCommand(peeringId: string): string {
  return `az network vnet peering sync --ids ${peeringId}`;
}

export function approveConnectionCommand(connectionId: string): string {
  return `az network private-endpoint-connection approve --id ${connectionId} --description "Approved for amlvnet"`;
}
