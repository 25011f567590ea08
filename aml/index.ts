/** Triggering Azure Machine Learning runs (SDK v1 published pipelines and pipeline endpoints, v2 pipeline jobs) and waiting for them. */
export { AmlAuthError, AmlError, AmlInputError, AmlJobSpecError, AmlNotFoundError, AmlRequestError, AmlRunTimeoutError, AmlWaitAbortedError } from "./errors";
export { buildPipelineJob } from "./job-spec";
export type { JobSpecOptions, PipelineJobSubmission } from "./job-spec";
export { parseParameters } from "./parameters";
export { cancelAmlRun, refreshAmlRun, triggerAmlRun, waitForAmlRun } from "./trigger";
export { isSuccess, isTerminal, PIPELINE_ACTIONS, TERMINAL_STATUSES } from "./types";
export type { AmlDeps, AmlRun, AmlRunStatus, AmlTriggerRequest, AmlWorkspaceRef, ParameterValue, PipelineAction, WaitOptions } from "./types";
