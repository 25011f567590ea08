import { referenceNames } from "../scenarios/reference-topology";
import type { AmlState } from "./aml-state";

/** Stable IDs of the reference scenario's AML pipelines (IDs, not secrets: safe to print and to put in YAML). */
export const REFERENCE_AML = {
  publishedPipelineName: "nightly-train",
  publishedPipelineId: "6b0f3c1e-2a4d-4e8b-9c57-3f1a2b7d9e01",
  pipelineEndpointName: "nightly-train-endpoint",
  pipelineEndpointId: "0d9e4b7a-5c31-4f62-8a0e-7b2c9d4e1f35",
  parameters: { learning_rate: "0.01", epochs: "10" },
} as const;

/** The reference workspace's published pipeline "nightly-train" and an endpoint whose default version runs it. */
export function seedReferencePipelines(aml: AmlState, subscriptionId: string): void {
  const n = referenceNames(subscriptionId);
  const workspaceId = `/subscriptions/${subscriptionId}/resourceGroups/${n.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${n.workspace}`;
  aml.addPublishedPipeline(workspaceId, {
    id: REFERENCE_AML.publishedPipelineId,
    name: REFERENCE_AML.publishedPipelineName,
    description: "Nightly training on cpu-cluster",
    version: "1.0",
    parameters: { ...REFERENCE_AML.parameters },
  });
  aml.addPipelineEndpoint(workspaceId, {
    id: REFERENCE_AML.pipelineEndpointId,
    name: REFERENCE_AML.pipelineEndpointName,
    description: "Stable REST endpoint for nightly-train",
    pipelines: [{ pipelineId: REFERENCE_AML.publishedPipelineId, version: "0" }],
    defaultVersion: "0",
  });
}
