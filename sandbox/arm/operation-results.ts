import { json, SandboxResponse } from "../http/message";
import { ArmError } from "./arm-error";
import type { ArmService } from "./arm-service";
import type { Operation } from "./operations";
import type { ArmContext } from "./resource-type";
import { asObject, JsonObject, propertiesOf } from "./types/wire";

/**
 * What ARM answers a client polling a long-running operation: the Azure-AsyncOperation status body
 * (`{id, name, status, startTime, endTime?, error?}`, azure-resource-manager docs "async-operations") or the
 * Location header's 202 then the final resource; and the store's side of an operation that completes.
 */

/** The Location header of an operation: the one the tracker gives, else ARM's generic operationResults URL. */
export function operationLocation(arm: ArmService, op: Operation, origin: string): string {
  const headers = arm.operations.headers(op, origin);
  return (
    headers.location ??
    `${origin}/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}/operationResults/${op.id}?api-version=${op.apiVersion}`
  );
}

export function pollOperation(arm: ArmService, ctx: ArmContext, operationId: string, style: string): SandboxResponse {
  const op = arm.operations.get(operationId);
  if (!op) throw new ArmError(404, "OperationNotFound", `The operation '${operationId}' could not be found.`);
  const statusStyle = style === "operations" || style === "privatednsoperationstatuses" || style === "operationstatuses";
  if (statusStyle) {
    const body: JsonObject = {
      id: `/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}/operations/${op.id}`,
      name: op.id,
      status: op.status,
      startTime: op.startTime,
    };
    if (op.endTime) body.endTime = op.endTime;
    if (op.error) body.error = op.error;
    return json(200, body, op.status === "InProgress" ? { "retry-after": String(arm.operations.retryAfterSeconds()) } : {});
  }
  if (op.status === "InProgress") {
    return { status: 202, headers: { location: operationLocation(arm, op, ctx.origin), "retry-after": String(arm.operations.retryAfterSeconds()) } };
  }
  if (op.status === "Failed") return json(400, { error: op.error });
  if (op.kind === "delete") return { status: 204 };
  const resource = ctx.resolve(op.resourceId);
  return resource ? json(200, ctx.view(resource)) : { status: 204 };
}

/** A completed PUT leaves the resource, and its children no other operation is writing, Succeeded. */
export function completePut(arm: ArmService, ctx: ArmContext, op: Operation): void {
  const resource = ctx.resolve(op.resourceId);
  if (resource && propertiesOf(resource.body).provisioningState !== "Succeeded") arm.store.setProvisioningState(resource, "Succeeded");
  for (const child of ctx.store.childrenOf(op.resourceId)) {
    if (asObject(child.body).properties && propertiesOf(child.body).provisioningState !== "Succeeded" && !arm.operations.runningOn(child.id)) {
      arm.store.setProvisioningState(child, "Succeeded");
    }
  }
}
