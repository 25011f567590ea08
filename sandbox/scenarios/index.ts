import type { SandboxDirectory } from "../directory";
import type { InProcessArmClient } from "./in-process-client";
import { buildHubSpoke, hubSpokeIds } from "./hub-spoke";
import { buildReference } from "./reference";
import { referenceNames } from "./reference-topology";

export const SCENARIOS = ["empty", "reference", "hub-spoke"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export function buildScenario(name: ScenarioName, arm: InProcessArmClient, directory: SandboxDirectory): void {
  switch (name) {
    case "empty":
      return;
    case "reference":
      return buildReference(arm, directory);
    case "hub-spoke":
      buildHubSpoke(arm, directory);
      return;
  }
}

/** What a user of a scenario needs to name: the workspace, its VNet, the agents' VNet (and the hub subscription). */
export interface ScenarioIds {
  workspaceId: string;
  amlVnetId: string;
  agentVnetId: string;
  hubSubscriptionId?: string;
}

export function scenarioIds(name: ScenarioName, subscriptionId: string): ScenarioIds | undefined {
  if (name === "reference") {
    const n = referenceNames(subscriptionId);
    const rg = `/subscriptions/${subscriptionId}/resourceGroups/${n.resourceGroup}`;
    return {
      workspaceId: `${rg}/providers/Microsoft.MachineLearningServices/workspaces/${n.workspace}`,
      amlVnetId: `${rg}/providers/Microsoft.Network/virtualNetworks/${n.amlVnet}`,
      agentVnetId: `${rg}/providers/Microsoft.Network/virtualNetworks/${n.agentVnet}`,
    };
  }
  if (name === "hub-spoke") {
    const ids = hubSpokeIds(subscriptionId);
    return { workspaceId: ids.workspaceId, amlVnetId: ids.amlVnetId, agentVnetId: ids.agentVnetId, hubSubscriptionId: ids.hubSubscriptionId };
  }
  return undefined;
}
