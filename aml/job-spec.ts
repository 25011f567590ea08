import { LineCounter, parseDocument } from "yaml";
import { AmlInputError, AmlJobSpecError } from "./errors";

/** A pipeline job ready for ARM PUT .../workspaces/{ws}/jobs/{name}: the JobBase body (properties.jobType Pipeline). */
export interface PipelineJobSubmission {
  /** The spec's `name`, when it sets one (the job name must then be new in the workspace). */
  name?: string;
  body: { properties: Record<string, unknown> };
  /** Steps whose component is `azureml:<name>@latest`: their componentId is the container's latest version (ask ARM). */
  latestComponents: Array<{ step: string; component: string }>;
}

export interface JobSpecOptions {
  workspaceId: string;
  /** Overrides the spec's experiment_name. */
  experimentName?: string;
  /** Values for the pipeline's inputs (each must be an input the spec declares). */
  parameters?: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
type LineOf = (...path: string[]) => number | undefined;

const ASSET_TYPES = ["uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model"];
const LITERAL_TYPES = ["string", "integer", "number", "boolean"];
const MODES: Record<string, string> = {
  ro_mount: "ReadOnlyMount",
  rw_mount: "ReadWriteMount",
  download: "Download",
  direct: "Direct",
  eval_mount: "EvalMount",
  eval_download: "EvalDownload",
  upload: "Upload",
};

/**
 * Reads a v2 pipeline job spec (the CLI's YAML: type: pipeline, jobs, inputs, outputs, settings; or the same as JSON;
 * or an ARM JobBase JSON with properties.jobType "Pipeline") and builds the ARM body, as `az ml job create` does:
 * literal inputs become {jobInputType: literal, value}, asset inputs {jobInputType, uri, mode}, and azureml:<name>
 * computes and datastores become the workspace's resource IDs. Errors name the spec's line.
 */
export function buildPipelineJob(text: string, options: JobSpecOptions): PipelineJobSubmission {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) throw new AmlJobSpecError(error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, ""), error.linePos?.[0].line);
  const spec: unknown = doc.toJS();
  if (!isObj(spec)) throw new AmlJobSpecError("must be a map describing a pipeline job (type: pipeline, jobs: ...)", 1);
  const lineOf: LineOf = (...path) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  };
  const latestComponents: PipelineJobSubmission["latestComponents"] = [];
  const properties =
    isObj(spec.properties) && typeof spec.properties.jobType === "string" ? fromArm(spec.properties, lineOf) : fromCli(spec, options, lineOf, latestComponents);
  if (options.experimentName) properties.experimentName = options.experimentName;
  applyParameters(properties, options.parameters);
  return { name: typeof spec.name === "string" ? spec.name : undefined, body: { properties }, latestComponents };
}

function fromArm(properties: Obj, lineOf: LineOf): Obj {
  if (properties.jobType !== "Pipeline")
    throw new AmlJobSpecError(
      `properties.jobType is '${String(properties.jobType)}'; the task submits pipeline jobs ("Pipeline")`,
      lineOf("properties", "jobType"),
    );
  return { ...properties };
}

function fromCli(spec: Obj, options: JobSpecOptions, lineOf: LineOf, latestComponents: PipelineJobSubmission["latestComponents"]): Obj {
  if (spec.type !== undefined && String(spec.type).toLowerCase() !== "pipeline") {
    throw new AmlJobSpecError(`type is '${String(spec.type)}'; the task submits pipeline jobs (type: pipeline)`, lineOf("type"));
  }
  if (!isObj(spec.jobs) || Object.keys(spec.jobs).length === 0)
    throw new AmlJobSpecError("a pipeline job needs 'jobs', a map of its steps", lineOf("jobs") ?? 1);
  const ref = (kind: string) => (value: unknown) =>
    typeof value === "string" && value.startsWith("azureml:") ? `${options.workspaceId}/${kind}/${value.slice("azureml:".length).split("@")[0]}` : value;
  const settings: Obj = { ...(isObj(spec.settings) ? spec.settings : {}), _source: "YAML.JOB" };
  if (spec.compute !== undefined && settings.default_compute === undefined) settings.default_compute = spec.compute;
  if (settings.default_compute !== undefined) settings.default_compute = ref("computes")(settings.default_compute);
  if (settings.default_datastore !== undefined) settings.default_datastore = ref("datastores")(settings.default_datastore);
  const jobs: Obj = {};
  for (const [name, job] of Object.entries(spec.jobs)) {
    if (!isObj(job) || typeof job.type !== "string")
      throw new AmlJobSpecError(`step '${name}' needs a type (command, sweep, parallel, pipeline, spark)`, lineOf("jobs", name));
    const componentId = componentIdOf(name, job, options.workspaceId, (...path) => lineOf("jobs", name, ...path) ?? lineOf("jobs", name));
    if (componentId.latest) latestComponents.push({ step: name, component: componentId.latest });
    jobs[name] = childJob(name, job, componentId.id, ref("computes"));
  }
  return prune({
    jobType: "Pipeline",
    displayName: spec.display_name,
    description: spec.description,
    experimentName: spec.experiment_name,
    tags: spec.tags,
    properties: spec.properties,
    computeId: typeof settings.default_compute === "string" ? settings.default_compute : undefined,
    inputs: mapEntries(spec.inputs, "inputs", lineOf, jobInput),
    outputs: mapEntries(spec.outputs, "outputs", lineOf, jobOutput),
    jobs,
    settings,
  });
}

const INLINE_KEYS = ["command", "code", "environment", "jobs"];

/**
 * The service runs pipeline steps that reference registered components by ARM ID (`componentId`, with `computeId`):
 * azure-ai-ml's builders (entities/_builders command.py, parallel.py, spark.py, pipeline.py `_to_rest_object`) send
 * only these, after `az ml job create` has registered inline command/code/environment steps as anonymous components
 * (and uploaded local code). The task registers nothing and uploads nothing: an inline step is refused here, naming
 * what is supported. `azureml:<name>@latest` is resolved by the caller (the container's latestVersion).
 */
function componentIdOf(step: string, job: Obj, workspaceId: string, lineOf: LineOf): { id?: string; latest?: string } {
  const inline = INLINE_KEYS.filter((key) => job[key] !== undefined);
  const component = job.component;
  if (typeof component !== "string" || !component.trim() || inline.length) {
    const what = inline.length ? `defines its ${inline.join(", ")} inline` : isObj(component) ? "defines its component inline" : "references no component";
    throw new AmlJobSpecError(
      `step '${step}' ${what}; the task submits steps that reference a registered component: register it (az ml component create --file <component>.yml) and set component: azureml:<name>:<version> or azureml:<name>@latest`,
      lineOf(inline[0] ?? "component"),
    );
  }
  const value = component.trim();
  if (value.startsWith("azureml://registries/")) return { id: value };
  const armId = value.replace(/^azureml:/, "");
  if (armId.startsWith("/subscriptions/")) return { id: armId };
  const named = /^azureml:([A-Za-z0-9_.-]+)(?::([A-Za-z0-9_.-]+)|@latest)$/.exec(value);
  if (!named)
    throw new AmlJobSpecError(
      `step '${step}' has component '${value}'; use azureml:<name>:<version>, azureml:<name>@latest or a component version's resource ID (a local file is not registered by the task)`,
      lineOf("component"),
    );
  if (named[2] === undefined) return { latest: named[1] };
  return { id: `${workspaceId}/components/${named[1]}/versions/${named[2]}` };
}

function childJob(name: string, job: Obj, componentId: string | undefined, computeRef: (value: unknown) => unknown): Obj {
  const binding = (value: unknown): unknown => {
    if (!isObj(value)) return { job_input_type: "literal", value: String(value) };
    const type = String(value.type ?? "uri_folder");
    return prune({ job_input_type: type, uri: value.path, mode: MODES[String(value.mode)] ?? value.mode });
  };
  const outputs = isObj(job.outputs)
    ? Object.fromEntries(Object.entries(job.outputs).map(([k, v]) => [k, typeof v === "string" ? { type: "literal", value: v } : v]))
    : undefined;
  const rest: Obj = { ...job };
  delete rest.component;
  delete rest.compute;
  return prune({
    ...rest,
    name,
    componentId,
    computeId: computeRef(job.compute),
    inputs: isObj(job.inputs) ? Object.fromEntries(Object.entries(job.inputs).map(([k, v]) => [k, binding(v)])) : undefined,
    outputs,
    _source: "YAML.JOB",
  });
}

function jobInput(name: string, value: unknown, line: number | undefined): Obj {
  if (Array.isArray(value)) throw new AmlJobSpecError(`input '${name}' is a list; give a value or a map with type and path`, line);
  if (!isObj(value)) {
    if (value === null || value === undefined) throw new AmlJobSpecError(`input '${name}' has no value`, line);
    return { jobInputType: "literal", value: String(value) };
  }
  const type = String(value.type ?? (value.path !== undefined ? "uri_folder" : "string"));
  if (LITERAL_TYPES.includes(type) || value.value !== undefined) {
    const literal = value.value ?? value.default;
    if (literal === undefined) throw new AmlJobSpecError(`input '${name}' of type ${type} needs a value (or default)`, line);
    return prune({ jobInputType: "literal", value: String(literal), description: value.description });
  }
  if (!ASSET_TYPES.includes(type))
    throw new AmlJobSpecError(`input '${name}' has an unknown type '${type}' (${[...ASSET_TYPES, ...LITERAL_TYPES].join(", ")})`, line);
  if (typeof value.path !== "string") throw new AmlJobSpecError(`input '${name}' of type ${type} needs a path`, line);
  return prune({ jobInputType: type, uri: value.path, mode: MODES[String(value.mode)] ?? value.mode, description: value.description });
}

function jobOutput(name: string, value: unknown, line: number | undefined): Obj {
  if (value === null || value === undefined) return { jobOutputType: "uri_folder" };
  if (!isObj(value)) throw new AmlJobSpecError(`output '${name}' must be a map (type, path, mode)`, line);
  const type = String(value.type ?? "uri_folder");
  if (!ASSET_TYPES.includes(type)) throw new AmlJobSpecError(`output '${name}' has an unknown type '${type}' (${ASSET_TYPES.join(", ")})`, line);
  return prune({ jobOutputType: type, uri: value.path, mode: MODES[String(value.mode)] ?? value.mode, description: value.description });
}

/** Task parameters override (literal) pipeline inputs; a name the pipeline does not declare is refused. */
function applyParameters(properties: Obj, parameters: Record<string, unknown> | undefined): void {
  if (!parameters || Object.keys(parameters).length === 0) return;
  const inputs: Obj = isObj(properties.inputs) ? { ...properties.inputs } : {};
  for (const [name, value] of Object.entries(parameters)) {
    if (!(name in inputs)) {
      throw new AmlInputError(`parameter '${name}' is not an input of the pipeline job (its inputs: ${Object.keys(inputs).join(", ") || "none"})`);
    }
    inputs[name] = { jobInputType: "literal", value: value === null || value === undefined ? "" : String(value) };
  }
  properties.inputs = inputs;
}

function mapEntries(value: unknown, key: string, lineOf: LineOf, convert: (name: string, v: unknown, line: number | undefined) => Obj): Obj | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObj(value)) throw new AmlJobSpecError(`'${key}' must be a map of name: value`, lineOf(key));
  return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, convert(name, v, lineOf(key, name) ?? lineOf(key))]));
}

function prune(obj: Obj): Obj {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
