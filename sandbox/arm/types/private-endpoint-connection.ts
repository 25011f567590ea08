import { ArmError } from "../arm-error";
import type { InlineChildren, ResourceTypeSpec } from "../resource-type";
import { connectionTypeOf } from "./private-link-targets";
import { asObject, propertiesOf, refIdOf } from "./wire";

const STATUSES = ["Approved", "Pending", "Rejected", "Disconnected"];

/**
 * The `privateEndpointConnections` child of a private-link target: created when an endpoint connects, PUT by the
 * target's owner to approve or reject. Storage spells the field `actionRequired`; the others `actionsRequired`.
 * Sources: azure-rest-api-specs examples storage 2024-01-01 StorageAccountPutPrivateEndpointConnection.json
 * (`actionRequired`), keyvault 2024-11-01 putPrivateEndpointConnection.json; SDK type PrivateLinkServiceConnectionState.
 */
export function privateEndpointConnectionType(targetType: string): ResourceTypeSpec {
  const storageSpelling = targetType.toLowerCase() === "microsoft.storage/storageaccounts";
  return {
    type: connectionTypeOf(targetType),
    lro: "sync",
    placement: "child",
    write(_ctx, request) {
      const props = propertiesOf(request.body);
      const before = propertiesOf(request.existing?.body);
      const endpointId = refIdOf(before.privateEndpoint ?? props.privateEndpoint);
      if (!endpointId) throw new ArmError(404, "PrivateEndpointConnectionNotFound", `Private endpoint connection ${request.id} does not exist.`);
      const state = asObject(props.privateLinkServiceConnectionState ?? before.privateLinkServiceConnectionState);
      const status = STATUSES.find((s) => s.toLowerCase() === String(state.status).toLowerCase());
      if (!status)
        throw new ArmError(400, "InvalidPrivateLinkServiceConnectionState", `Status '${String(state.status)}' is not one of ${STATUSES.join(", ")}.`);
      const required = state.actionsRequired ?? state.actionRequired ?? "None";
      const groupIds = props.groupIds ?? before.groupIds;
      return {
        properties: {
          privateEndpoint: { id: endpointId },
          ...(groupIds ? { groupIds } : {}),
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
