import type { SandboxDirectory } from "../directory";
import type { InProcessArmClient } from "./in-process-client";
import { buildHubSpoke } from "./hub-spoke";
import { buildReference } from "./reference";

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
