import type { ComponentContainerProperties, ComponentVersionProperties } from "@azure/arm-machinelearning";
import type { ResourceTypeSpec } from "../arm/resource-type";
import { userError } from "../arm/types/ml-user-error";

export const ML_COMPONENT = "Microsoft.MachineLearningServices/workspaces/components";
export const ML_COMPONENT_VERSION = "Microsoft.MachineLearningServices/workspaces/components/versions";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Registered components (ML 2024-10-01 examples Workspace/ComponentContainer and Workspace/ComponentVersion
 * createOrUpdate.json; @azure/arm-machinelearning ComponentContainerProperties / ComponentVersionProperties): what a
 * pipeline job's steps reference by `componentId`. The container's read-only latestVersion is the newest version.
 * Deviation: Azure creates the container with the first version; the sandbox needs the container PUT first.
 */
export const mlComponentType: ResourceTypeSpec = {
  type: ML_COMPONENT,
  lro: "sync",
  placement: "child",
  write(_ctx, request) {
    const props: unknown = (request.body as { properties?: unknown }).properties ?? {};
    if (!isRecord(props)) throw userError(`Component ${request.address.names[1]}: properties must be an object.`);
    const properties: ComponentContainerProperties = {
      description: stringOr(props.description),
      tags: recordOf(props.tags),
      properties: recordOf(props.properties),
      isArchived: props.isArchived === true,
    };
    return { properties };
  },
  view(ctx, resource, body) {
    const versions = ctx.store.childrenOf(resource.id, ML_COMPONENT_VERSION);
    const latest = versions.at(-1)?.name;
    const properties = (body as { properties: Record<string, unknown> }).properties;
    properties.latestVersion = latest ?? null;
    properties.nextVersion = String(versions.length + 1);
  },
};

export const mlComponentVersionType: ResourceTypeSpec = {
  type: ML_COMPONENT_VERSION,
  lro: "sync",
  placement: "child",
  write(_ctx, request) {
    const props: unknown = (request.body as { properties?: unknown }).properties;
    if (!isRecord(props) || !isRecord(props.componentSpec))
      throw userError(`Component version ${request.address.names.slice(1).join(":")}: properties.componentSpec is required.`);
    const properties: ComponentVersionProperties = {
      description: stringOr(props.description),
      tags: recordOf(props.tags),
      properties: recordOf(props.properties),
      isAnonymous: props.isAnonymous === true,
      isArchived: props.isArchived === true,
      componentSpec: props.componentSpec,
    };
    return { properties };
  },
};

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function recordOf(value: unknown): Record<string, string> {
  return isRecord(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};
}
