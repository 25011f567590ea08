import type { ArmContext } from "./resource-type";
import type { Json, StoredResource } from "./store";

/** The resource as GET returns it: the stored body, inline children as their own views, then derived properties. */
export function buildView(ctx: ArmContext, resource: StoredResource): Json {
  const spec = ctx.typeOf(resource.type);
  const body = structuredClone(resource.body);
  for (const inline of spec?.inlineChildren ?? []) {
    body.properties = body.properties ?? {};
    body.properties[inline.property] = ctx.store.childrenOf(resource.id, inline.type).map((child) => buildView(ctx, child));
  }
  spec?.view?.(ctx, resource, body);
  return body;
}
