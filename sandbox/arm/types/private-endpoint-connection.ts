import { ArmError } from "../arm-error";
import type { InlineChildren, ResourceTypeSpec } from "../resource-type";
import { connectionTypeOf } from "./private-link-targets";

const STATUSES = ["Approved", "Pending", "Rejected", "Disconnected"];

/**
 * The `privateEndpointConnections` child of a private-link target: created when an endpoint connects, PUT by the
 * target's owner to approve or reject. Storage spells the field `actionRequired`; the others `actionsRequired`.
 */
export function privateEndpointConnectionType(targetType: string): ResourceTypeSpec {
  const storageSpelling = targetType.toLowerCase() === "microsoft.storage/storageaccounts";
  return {
    type: connectionTypeOf(targetType),
    lro: "sync",
    placement: "child",
    write(_ctx, request) {
      const props = request.body.properties ?? {};
      const before = request.existing?.body.properties;
      const endpoint = before?.privateEndpoint ?? props.privateEndpoint;
      if (!endpoint?.id) throw new ArmError(404, "PrivateEndpointConnectionNotFound", `Private endpoint connection ${request.id} does not exist.`);
      const state = props.privateLinkServiceConnectionState ?? before?.privateLinkServiceConnectionState ?? {};
      const status = STATUSES.find((s) => s.toLowerCase() === String(state.status).toLowerCase());
      if (!status) throw new ArmError(400, "InvalidPrivateLinkServiceConnectionState", `Status '${state.status}' is not one of ${STATUSES.join(", ")}.`);
      const required = state.actionsRequired ?? state.actionRequired ?? "None";
      return {
        properties: {
          privateEndpoint: { id: endpoint.id },
          ...((props.groupIds ?? before?.groupIds) ? { groupIds: props.groupIds ?? before?.groupIds } : {}),
          privateLinkServiceConnectionState: {
            status,
            description: state.description ?? (status === "Approved" ? "Auto-Approved" : ""),
            ...(storageSpelling ? { actionRequired: required } : { actionsRequired: required }),
          },
        },
      };
    },
  };
}

export function connectionsInline(targetType: string): InlineChildren {
  return { property: "privateEndpointConnections", type: connectionTypeOf(targetType), keepWhenOmitted: true, readOnly: true };
}
