import type { ArmContext } from "./resource-type";
import type { StoredResource } from "./store";
import { asObject, JsonObject } from "./types/wire";

/** The resource as GET returns it: the stored body, inline children as their own views, then derived properties. */
export function buildView(ctx: ArmContext, resource: StoredResource): JsonObject {
  const spec = ctx.typeOf(resource.type);
  const body = asObject(structuredClone<unknown>(resource.body));
  for (const inline of spec?.inlineChildren ?? []) {
    const properties = asObject(body.properties);
    body.properties = properties;
    properties[inline.property] = ctx.store.childrenOf(resource.id, inline.type).map((child) => buildView(ctx, child));
  }
  spec?.view?.(ctx, resource, body);
  return body;
}
