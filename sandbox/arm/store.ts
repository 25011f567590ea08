import { parentIdOf } from "./resource-id";
import { asObject, type JsonObject, propertiesOf } from "./types/wire";

/**
 * A resource body: a JSON object whose members each type reads through the narrowing helpers of types/wire.ts
 * (request bodies) or its own accessor over a wire interface (bodies it stored itself).
 */
export type Json = JsonObject;

export interface StoredResource {
  /** The ID with the casing it was created with (ARM keeps it). */
  id: string;
  /** Canonical type, e.g. Microsoft.Network/virtualNetworks/subnets. */
  type: string;
  name: string;
  /** The body as ARM returns it, minus what is derived on read. */
  body: Json;
  /** State the sandbox keeps about the resource that ARM does not return. */
  internal: Record<string, unknown>;
}

export interface ResourceGroup {
  id: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
  managedBy?: string;
}

type Entry = { kind: "resource"; value: StoredResource } | { kind: "group"; value: ResourceGroup };

/**
 * The ARM state: resources and resource groups keyed by lower-cased ID. Writes inside `transaction` are journaled
 * and undone when the function throws, so a refused request leaves nothing behind.
 */
export class ResourceStore {
  private readonly entries = new Map<string, Entry>();
  private journal: Array<[string, Entry | undefined]> | undefined;
  private version = 0;
  private index: Map<string, StoredResource[]> | undefined;
  private indexVersion = -1;

  transaction<T>(fn: () => T): T {
    if (this.journal) return fn();
    this.journal = [];
    try {
      const result = fn();
      this.journal = undefined;
      return result;
    } catch (error) {
      const journal = this.journal ?? [];
      this.journal = undefined;
      this.version++;
      for (const [key, previous] of journal.reverse()) {
        if (previous) this.entries.set(key, previous);
        else this.entries.delete(key);
      }
      throw error;
    }
  }

  getResource(id: string): StoredResource | undefined {
    const entry = this.entries.get(id.toLowerCase());
    return entry?.kind === "resource" ? entry.value : undefined;
  }

  getGroup(subscriptionId: string, name: string): ResourceGroup | undefined {
    const entry = this.entries.get(groupKey(subscriptionId, name));
    return entry?.kind === "group" ? entry.value : undefined;
  }

  putResource(resource: StoredResource): void {
    this.write(resource.id.toLowerCase(), { kind: "resource", value: resource });
  }

  /** Replaces a resource's body in place (journaled): use instead of mutating `body` directly. */
  updateBody(resource: StoredResource, update: (body: Json) => void, internal?: Record<string, unknown>): StoredResource {
    const next: StoredResource = {
      ...resource,
      body: asObject(structuredClone<unknown>(resource.body)),
      internal: { ...resource.internal, ...(internal ?? {}) },
    };
    update(next.body);
    this.putResource(next);
    return next;
  }

  /** Sets `properties.provisioningState` (journaled); a body without `properties` stays as it is. */
  setProvisioningState(resource: StoredResource, state: string): void {
    if (!asObject(resource.body).properties) return;
    this.updateBody(resource, (body) => {
      propertiesOf(body).provisioningState = state;
    });
  }

  putGroup(subscriptionId: string, group: ResourceGroup): void {
    this.write(groupKey(subscriptionId, group.name), { kind: "group", value: group });
  }

  deleteResource(id: string): void {
    this.write(id.toLowerCase(), undefined);
  }

  deleteGroup(subscriptionId: string, name: string): void {
    this.write(groupKey(subscriptionId, name), undefined);
  }

  resources(): StoredResource[] {
    const result: StoredResource[] = [];
    for (const entry of this.entries.values()) if (entry.kind === "resource") result.push(entry.value);
    return result;
  }

  groups(subscriptionId: string): ResourceGroup[] {
    const prefix = `/subscriptions/${subscriptionId.toLowerCase()}/resourcegroups/`;
    const result: ResourceGroup[] = [];
    for (const [key, entry] of this.entries) if (entry.kind === "group" && key.startsWith(prefix)) result.push(entry.value);
    return result;
  }

  /** Resources of `type` whose ID starts with `scopeId` (a subscription or resource group ID). */
  resourcesOfType(type: string, scopeId: string): StoredResource[] {
    const scope = scopeId.toLowerCase() + "/";
    const lowerType = type.toLowerCase();
    return this.resources().filter((r) => r.type.toLowerCase() === lowerType && r.id.toLowerCase().startsWith(scope));
  }

  childrenOf(parentId: string, type?: string): StoredResource[] {
    const parent = parentId.toLowerCase();
    return this.resources().filter((r) => parentIdOf(r.id)?.toLowerCase() === parent && (type === undefined || r.type.toLowerCase() === type.toLowerCase()));
  }

  /** Resources whose body holds a reference to `id` (or to something below it). */
  referencing(id: string): StoredResource[] {
    const target = id.toLowerCase();
    const found = new Set<StoredResource>();
    for (const [referenced, holders] of this.referenceIndex()) {
      if (referenced === target || referenced.startsWith(target + "/")) for (const holder of holders) if (holder.id.toLowerCase() !== target) found.add(holder);
    }
    return [...found];
  }

  private referenceIndex(): Map<string, StoredResource[]> {
    if (this.index && this.indexVersion === this.version) return this.index;
    const index = new Map<string, StoredResource[]>();
    for (const resource of this.resources()) {
      for (const ref of collectIds(resource.body)) {
        const list = index.get(ref) ?? [];
        list.push(resource);
        index.set(ref, list);
      }
    }
    this.index = index;
    this.indexVersion = this.version;
    return index;
  }

  private write(key: string, entry: Entry | undefined): void {
    this.version++;
    if (this.journal) this.journal.push([key, this.entries.get(key)]);
    if (entry) this.entries.set(key, entry);
    else this.entries.delete(key);
  }
}

function groupKey(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/${name}`.toLowerCase();
}

function collectIds(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    if (value.length > 15 && value.slice(0, 15).toLowerCase() === "/subscriptions/") found.add(value.toLowerCase());
  } else if (Array.isArray(value)) {
    for (const item of value) collectIds(item, found);
  } else if (value && typeof value === "object") {
    for (const item of Object.values(value as Record<string, unknown>)) collectIds(item, found);
  }
  return found;
}
