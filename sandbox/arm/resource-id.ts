/** Parsing of ARM request paths into what they address. Segment names compare case-insensitively, as ARM does. */

export interface ResourceAddress {
  subscriptionId: string;
  resourceGroup: string;
  namespace: string;
  /** Type segments below the namespace, e.g. ["virtualNetworks", "subnets"]. */
  types: string[];
  /** Names matching `types`; one shorter when the path addresses a collection. */
  names: string[];
}

export type ArmPath =
  | { kind: "subscription"; subscriptionId: string }
  | { kind: "resourceGroups"; subscriptionId: string }
  | { kind: "resourceGroup"; subscriptionId: string; resourceGroup: string }
  | { kind: "genericResources"; subscriptionId: string; resourceGroup?: string }
  | { kind: "resource"; address: ResourceAddress }
  | { kind: "collection"; address: ResourceAddress }
  | { kind: "subscriptionCollection"; subscriptionId: string; namespace: string; type: string }
  | { kind: "operation"; subscriptionId: string; operationId: string; style: string }
  | { kind: "unknown" };

const OPERATION_SEGMENTS = new Set([
  "operations",
  "operationresults",
  "privatednsoperationstatuses",
  "privatednsoperationresults",
  "asyncoperations",
  "operationstatuses",
]);

export function parseArmPath(pathname: string): ArmPath {
  const segments = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (segments.length < 2 || !eq(segments[0], "subscriptions")) return { kind: "unknown" };
  const subscriptionId = segments[1];
  const rest = segments.slice(2);
  if (rest.length === 0) return { kind: "subscription", subscriptionId };
  const op = operationIn(rest);
  if (op) return { kind: "operation", subscriptionId, operationId: op.id, style: op.style };
  if (eq(rest[0], "resources") && rest.length === 1) return { kind: "genericResources", subscriptionId };
  if (eq(rest[0], "providers")) {
    if (rest.length === 3) return { kind: "subscriptionCollection", subscriptionId, namespace: rest[1], type: rest[2] };
    return { kind: "unknown" };
  }
  if (!eq(rest[0], "resourceGroups")) return { kind: "unknown" };
  if (rest.length === 1) return { kind: "resourceGroups", subscriptionId };
  const resourceGroup = rest[1];
  if (rest.length === 2) return { kind: "resourceGroup", subscriptionId, resourceGroup };
  if (rest.length === 3 && eq(rest[2], "resources")) return { kind: "genericResources", subscriptionId, resourceGroup };
  if (!eq(rest[2], "providers") || rest.length < 5) return { kind: "unknown" };
  const namespace = rest[3];
  const tail = rest.slice(4);
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < tail.length; i += 2) {
    types.push(tail[i]);
    if (i + 1 < tail.length) names.push(tail[i + 1]);
  }
  const address = { subscriptionId, resourceGroup, namespace, types, names };
  return { kind: types.length === names.length ? "resource" : "collection", address };
}

function operationIn(rest: string[]): { id: string; style: string } | undefined {
  if (rest.length < 2) return undefined;
  const kind = rest[rest.length - 2].toLowerCase();
  if (!OPERATION_SEGMENTS.has(kind)) return undefined;
  // providers/{ns}/locations/{loc}/{kind}/{id}, resourceGroups/{rg}/providers/{ns}/{kind}/{id}, or (a resource
  // group delete) /subscriptions/{sub}/operationresults/{id}
  return { id: rest[rest.length - 1], style: kind };
}

export function eq(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function fullType(address: Pick<ResourceAddress, "namespace" | "types">): string {
  return [address.namespace, ...address.types].join("/");
}

export function resourceIdOf(address: ResourceAddress, names = address.names): string {
  let id = `/subscriptions/${address.subscriptionId}/resourceGroups/${address.resourceGroup}/providers/${address.namespace}`;
  names.forEach((name, i) => {
    id += `/${address.types[i]}/${name}`;
  });
  return id;
}

/** Parses a full resource ID (as found in request bodies), or returns undefined when it is not one. */
export function parseResourceId(id: string): ResourceAddress | undefined {
  const parsed = parseArmPath(id);
  return parsed.kind === "resource" ? parsed.address : undefined;
}

export function parentIdOf(id: string): string | undefined {
  const address = parseResourceId(id);
  if (!address || address.types.length < 2) return undefined;
  return resourceIdOf({ ...address, types: address.types.slice(0, -1) }, address.names.slice(0, -1));
}

export function resourceGroupIdOf(id: string): string | undefined {
  const address = parseResourceId(id);
  return address ? `/subscriptions/${address.subscriptionId}/resourceGroups/${address.resourceGroup}` : undefined;
}

export function lastName(id: string): string {
  const segments = id.split("/").filter(Boolean);
  return segments[segments.length - 1] ?? "";
}
