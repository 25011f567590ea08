import type { ArmContext, ResourceTypeSpec, WriteRequest } from "../arm/resource-type";
import type { StoredResource } from "../arm/store";
import { asObject, asString, JsonObject, propertiesOf } from "../arm/types/wire";
import type { AmlState } from "./aml-state";
import { ML_COMPONENT_VERSION } from "./component-types";
import { studioRunUrl } from "./aml-views";
import { userError } from "../arm/types/ml-user-error";
import { trackedLocation } from "../arm/types/common";

export const ML_JOB = "Microsoft.MachineLearningServices/workspaces/jobs";
const ML_COMPUTE = "Microsoft.MachineLearningServices/workspaces/computes";
const JOB_TYPES = ["Pipeline", "Command", "Sweep", "AutoML"];
const INPUT_TYPES = ["literal", "uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model"];
const EXPERIMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
/** Properties of an existing job a PUT may still change (the definition itself is immutable once submitted). */
const MUTABLE = ["description", "displayName", "tags", "isArchived"];

/**
 * v2 jobs in ARM (JobBase of Microsoft.MachineLearningServices 2022-10-01+): PUT submits (synchronous 201 with the
 * job, status NotStarted), GET/list report the status from AmlState (NotStarted -> Running -> Completed/Failed over
 * lroMs, CancelRequested -> Canceled after a cancel), with services.Studio / services.Tracking endpoints.
 */
export function mlJobType(aml: AmlState): ResourceTypeSpec {
  return {
    type: ML_JOB,
    lro: "sync",
    placement: "child",
    write(ctx, request) {
      const workspace = request.parent as StoredResource;
      if (request.existing) return updateExisting(request);
      const given: unknown = asObject(request.body).properties;
      if (typeof given !== "object" || given === null) throw userError(`Job ${request.address.names[1]}: properties are required.`);
      const props = asObject(given);
      const jobType = JOB_TYPES.find((t) => t === props.jobType);
      if (!jobType) throw userError(`Job ${request.address.names[1]}: properties.jobType '${String(props.jobType)}' is not one of ${JOB_TYPES.join(", ")}.`);
      const experimentName = props.experimentName ?? "Default";
      if (typeof experimentName !== "string" || !EXPERIMENT_NAME.test(experimentName))
        throw userError(`Job ${request.address.names[1]}: experimentName '${String(experimentName)}' is invalid.`);
      const workspaceProps = propertiesOf(workspace.body);
      if (workspaceProps.v1LegacyMode === true) {
        // v1LegacyMode "may prevent you from using features provided by the v2 API" (Workspace.v1LegacyMode in
        // @azure/arm-machinelearning); the code and wording of the real refusal are not recorded: this one is ours.
        throw userError(
          `Workspace ${workspace.name} is in v1 legacy mode (v1LegacyMode: true): v2 jobs cannot be created. Turn v1LegacyMode off to use the v2 API.`,
        );
      }
      if (jobType === "Pipeline") validatePipeline(ctx, workspace, props, request.address.names[1]);
      const name = request.address.names[1];
      const location = trackedLocation(workspace);
      const now = new Date().toISOString();
      return {
        properties: {
          ...props,
          jobType,
          experimentName,
          displayName: props.displayName ?? name,
          description: props.description ?? null,
          tags: props.tags ?? {},
          properties: props.properties ?? {},
          isArchived: false,
          status: "NotStarted",
          services: {
            Tracking: {
              jobServiceType: "Tracking",
              endpoint: `azureml://${location}.api.azureml.ms/mlflow/v1.0${workspace.id}?`,
              status: null,
              errorMessage: null,
              properties: null,
            },
            Studio: {
              jobServiceType: "Studio",
              endpoint: studioRunUrl(ctx.origin, workspace.id, name, String(workspaceProps.tenantId)),
              status: null,
              errorMessage: null,
              properties: null,
            },
          },
        },
        systemData: { createdAt: now, createdByType: "Application", lastModifiedAt: now, lastModifiedByType: "Application" },
      };
    },
    afterWrite(_ctx, resource, previous) {
      if (previous) return;
      const workspaceId = resource.id.split("/").slice(0, -2).join("/");
      const job = propertiesOf(resource.body);
      aml.submitRun({
        runId: resource.name,
        kind: "job",
        workspaceId,
        // Checked to be a string when the job was written.
        experimentName: String(job.experimentName),
        submittedBy: { objectId: "", clientId: "", tenantId: "" },
        parameters: literalInputs(job.inputs),
        runSource: "MFE",
        description: asString(job.description),
      });
    },
    afterDelete(_ctx, resource) {
      aml.forgetRun(resource.id.split("/").slice(0, -2).join("/"), resource.name);
    },
    view(_ctx, resource, body) {
      const run = aml.run(resource.id.split("/").slice(0, -2).join("/"), resource.name);
      const props = propertiesOf(body);
      props.status = run ? aml.statusOf(run) : "Completed";
      delete props.provisioningState;
    },
  };
}

function updateExisting(request: WriteRequest): JsonObject {
  const existing = request.existing as StoredResource;
  const props = dictionary(asObject(request.body).properties, `Job ${existing.name}: properties`);
  const before = propertiesOf(existing.body);
  const changed = Object.keys(props).filter((k) => !MUTABLE.includes(k) && JSON.stringify(props[k]) !== JSON.stringify(before[k]));
  if (changed.length) throw userError(`Job ${existing.name} already exists; only ${MUTABLE.join(", ")} can be updated (not ${changed.join(", ")}).`);
  const body: JsonObject = { ...asObject(existing.body), properties: { ...before, ...props } };
  for (const key of ["id", "name", "type"]) delete body[key];
  return body;
}

/**
 * A JSON object property (absent = empty). Anything else is refused; before typing, a string or array here was read
 * key by key (a non-empty one refused, an empty one accepted).
 */
function dictionary(value: unknown, what: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw userError(`${what} must be a JSON object.`);
  return asObject(value);
}

function validatePipeline(ctx: ArmContext, workspace: StoredResource, props: JsonObject, name: string): void {
  const jobs = props.jobs;
  if (typeof jobs !== "object" || jobs === null || Array.isArray(jobs) || Object.keys(jobs).length === 0) {
    throw userError(`Pipeline job ${name}: properties.jobs must hold at least one child job.`);
  }
  for (const [child, job] of Object.entries(asObject(jobs))) {
    if (typeof job !== "object" || job === null || typeof asObject(job).type !== "string")
      throw userError(`Pipeline job ${name}: child job '${child}' needs a type (command, sweep, pipeline, parallel, spark).`);
    validateStep(ctx, workspace, name, child, asObject(job));
  }
  for (const [input, value] of Object.entries(dictionary(props.inputs, `Pipeline job ${name}: properties.inputs`))) {
    if (value === null) continue;
    const { jobInputType, value: literal } = asObject(value);
    if (typeof jobInputType !== "string" || !INPUT_TYPES.includes(jobInputType))
      throw userError(`Pipeline job ${name}: input '${input}' has an unknown jobInputType '${String(jobInputType)}'.`);
    if (jobInputType === "literal" && typeof literal !== "string") throw userError(`Pipeline job ${name}: literal input '${input}' needs a string value.`);
  }
  for (const compute of [props.computeId, asObject(props.settings).default_compute]) {
    if (typeof compute !== "string" || !compute) continue;
    const id = compute.startsWith("azureml:") ? `${workspace.id}/computes/${compute.slice("azureml:".length)}` : compute;
    const target = ctx.resolve(id);
    if (!target || target.type !== ML_COMPUTE) throw userError(`Pipeline job ${name}: compute '${compute}' was not found in workspace ${workspace.name}.`);
  }
}

/**
 * A pipeline step as the service takes it: a reference to a registered component (`componentId`) and optionally a
 * compute (`computeId`), both ARM IDs. azure-ai-ml's node builders (entities/_builders command.py, parallel.py,
 * spark.py, pipeline.py `_to_rest_object`) send exactly these; `az ml job create` registers inline command/code/
 * environment steps as anonymous components first (`_resolve_arm_id_for_pipeline_job`), so the service never sees them
 * inline. The exact error text of the real service for an inline step is not recorded anywhere found: this one is ours.
 */
function validateStep(ctx: ArmContext, workspace: StoredResource, name: string, child: string, job: JsonObject): void {
  const inline = ["command", "code", "environment"].filter((key) => job[key] !== undefined);
  const { componentId, computeId } = job;
  if (typeof componentId !== "string" || !componentId) {
    throw userError(
      `Pipeline job ${name}: child job '${child}' has no componentId${inline.length ? ` (inline ${inline.join(", ")} is not accepted)` : ""}. Reference a registered component version: .../workspaces/{workspace}/components/{name}/versions/{version}.`,
    );
  }
  if (!componentId.startsWith("azureml://registries/")) {
    const component = ctx.resolve(componentId);
    if (!component || component.type !== ML_COMPONENT_VERSION || !sameWorkspace(component.id, workspace.id))
      throw userError(`Pipeline job ${name}: component '${componentId}' of child job '${child}' was not found in workspace ${workspace.name}.`);
  }
  if (typeof computeId === "string" && computeId) {
    const compute = ctx.resolve(computeId);
    if (!compute || compute.type !== ML_COMPUTE)
      throw userError(`Pipeline job ${name}: compute '${computeId}' of child job '${child}' was not found in workspace ${workspace.name}.`);
  }
}

function sameWorkspace(childId: string, workspaceId: string): boolean {
  return childId.toLowerCase().startsWith(`${workspaceId.toLowerCase()}/`);
}

function literalInputs(inputs: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(asObject(inputs))) if (asObject(value).jobInputType === "literal") result[name] = String(asObject(value).value);
  return result;
}
