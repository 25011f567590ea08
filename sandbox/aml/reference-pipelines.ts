import type { InProcessArmClient } from "../scenarios/in-process-client";
import { referenceNames } from "../scenarios/reference-topology";
import type { AmlState } from "./aml-state";

/** Stable IDs of the reference scenario's AML pipelines (IDs, not secrets: safe to print and to put in YAML). */
export const REFERENCE_AML = {
  publishedPipelineName: "nightly-train",
  publishedPipelineId: "6b0f3c1e-2a4d-4e8b-9c57-3f1a2b7d9e01",
  pipelineEndpointName: "nightly-train-endpoint",
  pipelineEndpointId: "0d9e4b7a-5c31-4f62-8a0e-7b2c9d4e1f35",
  parameters: { learning_rate: "0.01", epochs: "10" },
  /** A registered command component pipeline jobs can reference (component: azureml:train_model:1 or @latest). */
  componentName: "train_model",
  componentVersion: "1",
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

/** The reference workspace's registered component train_model:1, a command component with inputs data and lr. */
export function seedReferenceComponents(arm: InProcessArmClient, subscriptionId: string): void {
  const n = referenceNames(subscriptionId);
  const component = `/subscriptions/${subscriptionId}/resourceGroups/${n.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${n.workspace}/components/${REFERENCE_AML.componentName}`;
  arm.put(component, "2024-10-01", { properties: { description: "Trains the nightly model" } });
  arm.put(`${component}/versions/${REFERENCE_AML.componentVersion}`, "2024-10-01", {
    properties: {
      componentSpec: {
        $schema: "https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json",
        name: REFERENCE_AML.componentName,
        version: REFERENCE_AML.componentVersion,
        type: "command",
        inputs: { data: { type: "uri_folder" }, lr: { type: "number", default: 0.01 } },
        outputs: { model: { type: "uri_folder" } },
        command: "python train.py --data ${{inputs.data}} --lr ${{inputs.lr}} --model ${{outputs.model}}",
        environment: "azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest",
      },
    },
  });
}
