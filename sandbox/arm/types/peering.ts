/**
 * Microsoft.Network/virtualNetworks/virtualNetworkPeerings. Shapes from azure-rest-api-specs network 2024-07-01
 * `virtualNetwork.json` (VirtualNetworkPeeringPropertiesFormat: peeringState Initiated|Connected|Disconnected,
 * peeringSyncLevel) and example VirtualNetworkPeeringCreate.json (test/fixtures/arm/); SDK type VirtualNetworkPeering
 * in @azure/arm-network.
 */
import type { AddressSpace } from "@azure/arm-network";
import { ArmError } from "../arm-error";
import { overlappingPrefixPairs } from "../ip-prefix";
import type { ArmContext, ResourceTypeSpec } from "../resource-type";
import { parentIdOf } from "../resource-id";
import type { StoredResource } from "../store";
import { resourceGuid, sameId } from "./common";
import { PEERING, VNET, vnetPrefixes } from "./virtual-network";
import { propertiesOf, refIdOf } from "./wire";

/** The part of a peering's stored `properties` read back here (written below, so always present). */
type StoredPeeringProperties = { remoteVirtualNetwork: { id: string }; remoteAddressSpace: Required<Pick<AddressSpace, "addressPrefixes">> };

function peeringProps(peering: StoredResource): StoredPeeringProperties {
  return propertiesOf(peering.body) as StoredPeeringProperties;
}

/** The peering on `remoteVnetId` that points back at `localVnetId`, if there is one. */
export function reversePeering(ctx: ArmContext, localVnetId: string, remoteVnetId: string): StoredResource | undefined {
  return ctx.store.childrenOf(remoteVnetId, PEERING).find((p) => sameId(peeringProps(p).remoteVirtualNetwork.id, localVnetId));
}

/** Initiated until the reverse peering exists, then Connected; Disconnected once the other side went away. */
export function peeringState(ctx: ArmContext, peering: StoredResource): "Initiated" | "Connected" | "Disconnected" {
  const localVnetId = parentIdOf(peering.id) as string;
  const remoteVnetId = peeringProps(peering).remoteVirtualNetwork.id;
  if (!ctx.resolve(remoteVnetId)) return "Disconnected";
  if (reversePeering(ctx, localVnetId, remoteVnetId)) return "Connected";
  return peering.internal.everConnected ? "Disconnected" : "Initiated";
}

function sameSpace(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((p) => b.includes(p));
}

export const peeringType: ResourceTypeSpec = {
  type: PEERING,
  lro: "network",
  placement: "child",
  etag: true,
  write(ctx, request) {
    const local = request.parent as StoredResource;
    const props = propertiesOf(request.body);
    const remoteId = refIdOf(props.remoteVirtualNetwork);
    const remote = remoteId ? ctx.resolve(remoteId) : undefined;
    if (!remoteId || !remote || remote.type !== VNET) {
      throw new ArmError(
        400,
        "InvalidResourceReference",
        `Resource ${remoteId ?? "(missing remoteVirtualNetwork.id)"} referenced by resource ${request.id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
      );
    }
    if (sameId(remote.id, local.id)) throw new ArmError(400, "CannotPeerVirtualNetworkWithItself", `Virtual network ${local.id} cannot be peered with itself.`);
    const overlap = overlappingPrefixPairs(vnetPrefixes(local.body), vnetPrefixes(remote.body));
    if (overlap.length) {
      throw new ArmError(
        400,
        "VnetAddressSpacesOverlap",
        `Cannot create or update peering ${request.id}. Virtual networks ${local.id} and ${remote.id} cannot be peered because their address spaces overlap. Overlapping address prefixes: ${overlap.map(([a, b]) => `${a}, ${b}`).join("; ")}`,
      );
    }
    const duplicate = ctx.store
      .childrenOf(local.id, PEERING)
      .find((p) => !sameId(p.id, request.id) && sameId(peeringProps(p).remoteVirtualNetwork.id, remote.id));
    if (duplicate) {
      throw new ArmError(
        400,
        "VnetPeeringAlreadyExists",
        `Cannot create or update peering ${request.id} because peering ${duplicate.id} between the same virtual networks already exists.`,
      );
    }
    const reverse = reversePeering(ctx, local.id, remote.id);
    if (!request.existing && reverse && reverse.internal.everConnected) {
      throw new ArmError(
        400,
        "RemotePeeringIsDisconnected",
        `Cannot create or update peering ${request.id} because remote peering ${reverse.id} referencing parent virtual network ${local.id} is in Disconnected state. Update or re-create the remote peering to get it back to Initiated state. Peering gets Disconnected when remote vnet or remote peering is deleted and re-created.`,
      );
    }
    return {
      type: PEERING,
      properties: {
        peeringState: "Initiated",
        resourceGuid: resourceGuid(request),
        remoteVirtualNetwork: { id: remote.id },
        allowVirtualNetworkAccess: props.allowVirtualNetworkAccess ?? true,
        allowForwardedTraffic: props.allowForwardedTraffic ?? false,
        allowGatewayTransit: props.allowGatewayTransit ?? false,
        useRemoteGateways: props.useRemoteGateways ?? false,
        doNotVerifyRemoteGateways: props.doNotVerifyRemoteGateways ?? false,
        peerCompleteVnets: props.peerCompleteVnets ?? true,
        remoteAddressSpace: { addressPrefixes: vnetPrefixes(remote.body) },
        remoteVirtualNetworkAddressSpace: { addressPrefixes: vnetPrefixes(remote.body) },
      },
    };
  },
  afterWrite(ctx, peering) {
    const localVnetId = parentIdOf(peering.id) as string;
    const reverse = reversePeering(ctx, localVnetId, peeringProps(peering).remoteVirtualNetwork.id);
    if (!reverse) {
      // Updating a Disconnected peering brings it back to Initiated, so the other side can be re-created.
      if (peering.internal.everConnected) ctx.store.updateBody(peering, () => undefined, { everConnected: false });
      return;
    }
    ctx.store.updateBody(peering, () => undefined, { everConnected: true });
    if (!reverse.internal.everConnected) ctx.store.updateBody(reverse, () => undefined, { everConnected: true });
  },
  view(ctx, peering, body) {
    const props = propertiesOf(body);
    props.peeringState = peeringState(ctx, peering);
    const localVnet = ctx.resolve(parentIdOf(peering.id) as string);
    const remoteVnet = ctx.resolve(peeringProps(peering).remoteVirtualNetwork.id);
    const reverse = localVnet && remoteVnet ? reversePeering(ctx, localVnet.id, remoteVnet.id) : undefined;
    const remoteInSync = !remoteVnet || sameSpace(peeringProps(peering).remoteAddressSpace.addressPrefixes, vnetPrefixes(remoteVnet.body));
    const localInSync = !reverse || !localVnet || sameSpace(peeringProps(reverse).remoteAddressSpace.addressPrefixes, vnetPrefixes(localVnet.body));
    props.peeringSyncLevel = remoteInSync && localInSync ? "FullyInSync" : !remoteInSync ? "RemoteNotInSync" : "LocalNotInSync";
  },
};
