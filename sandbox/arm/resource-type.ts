import type { SandboxRequest, SandboxResponse } from "../http/message";
import type { SeededRandom } from "../http/random";
import { ArmError } from "./arm-error";
import type { ResourceAddress } from "./resource-id";
import type { Json, ResourceStore, StoredResource } from "./store";
import { asObject, JsonObject } from "./types/wire";

/**
 * How a type's writes behave, as the real resource provider sends them:
 * - network: PUT 201/200 + Azure-AsyncOperation + Retry-After; DELETE 202 + Location + Azure-AsyncOperation
 * - privatedns: PUT/DELETE 202 with an empty body + Azure-AsyncOperation + Location (privateDnsOperation*)
 * - compute: like network, with Microsoft.Compute operation URLs and provisioningState Creating
 * - storage: PUT 202 + Location only, no body; DELETE synchronous 200
 * - sync: PUT 200/201 with the final body; DELETE 200
 */
export type LroStyle = "network" | "privatedns" | "compute" | "storage" | "sync";

export interface ArmContext {
  store: ResourceStore;
  origin: string;
  random: SeededRandom;
  /** Every write uses this to reach other resources of the sandbox by their IDs. */
  resolve(id: string): StoredResource | undefined;
  typeOf(type: string): ResourceTypeSpec | undefined;
  /** The resource as a GET returns it (derived properties included). */
  view(resource: StoredResource): JsonObject;
  /** Creates or replaces a resource from inside another type's write (a private endpoint's NIC, say). */
  putInternal(id: string, type: string, body: Json, internal?: Record<string, unknown>): StoredResource;
  deleteInternal(id: string): void;
}

export interface WriteRequest {
  id: string;
  address: ResourceAddress;
  /** The request body (already merged with the current body for PATCH). */
  body: Json;
  existing?: StoredResource;
  /** The parent's stored resource, for child types. */
  parent?: StoredResource;
}

export interface InlineChildren {
  /** Property of the parent's `properties` that lists the children, e.g. "subnets". */
  property: string;
  type: string;
  /** When the parent PUT omits the property: keep the children (true) or delete them (false). */
  keepWhenOmitted: boolean;
  /** Listed on GET only; a PUT's value is ignored (e.g. privateEndpointConnections). */
  readOnly?: boolean;
}

/** A POST on `{resource}/{action}` (e.g. virtualMachines/{vm}/retrieveBootDiagnosticsData), run once ARM has authorized it. */
export type ResourceAction = (ctx: ArmContext, resource: StoredResource, req: SandboxRequest) => SandboxResponse;

export interface ResourceTypeSpec {
  type: string;
  lro: LroStyle;
  /** tracked: has its own location; child: inherits; global: location "global". */
  placement: "tracked" | "child" | "global";
  /** Builds the stored body (id, name, type and provisioningState are filled in by the caller). Throw ArmError to refuse. */
  write(ctx: ArmContext, request: WriteRequest): Json;
  afterWrite?: (ctx: ArmContext, resource: StoredResource, previous?: StoredResource) => void;
  /** Throw ArmError when the resource cannot be deleted (in use). */
  checkDelete?(ctx: ArmContext, resource: StoredResource): void;
  afterDelete?: (ctx: ArmContext, resource: StoredResource) => void;
  /** Adds derived, read-only properties to a GET's copy of the body. */
  view?(ctx: ArmContext, resource: StoredResource, body: Json): void;
  inlineChildren?: InlineChildren[];
  /** Status of a PUT that creates (default 201; App Insights answers 200, ML workspaces 202). */
  createdStatus?: 200 | 201 | 202;
  /** provisioningState while a PUT is running (Updating for network, Creating for compute). */
  inProgressState?: string;
  /** Properties a PUT may send but no GET returns (kept in `internal.secrets`), e.g. protectedSettings. */
  secretProperties?: string[];
  /** Whether the body carries a W/"etag" (Microsoft.Network does). */
  etag?: boolean;
  /** POST actions by name as Azure spells it; ARM checks the permission `{type}/{name}/action`. */
  actions?: Record<string, ResourceAction>;
}

export class TypeRegistry {
  private readonly specs = new Map<string, ResourceTypeSpec>();

  register(...specs: ResourceTypeSpec[]): this {
    for (const spec of specs) this.specs.set(spec.type.toLowerCase(), spec);
    return this;
  }

  get(type: string): ResourceTypeSpec | undefined {
    return this.specs.get(type.toLowerCase());
  }

  all(): ResourceTypeSpec[] {
    return [...this.specs.values()];
  }
}

/** Follows a `{id}` reference in a body; refuses with InvalidResourceReference when it points nowhere. */
export function requireReference(ctx: ArmContext, ref: unknown, expectedType: string, where: string): StoredResource {
  const id = typeof ref === "string" ? ref : asObject(ref).id;
  const target = typeof id === "string" ? ctx.resolve(id) : undefined;
  if (!target || target.type.toLowerCase() !== expectedType.toLowerCase()) {
    throw new ArmError(
      400,
      "InvalidResourceReference",
      `Resource ${String(id ?? "(missing)")} referenced by resource ${where} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
    );
  }
  return target;
}
