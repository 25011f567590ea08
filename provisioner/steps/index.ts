import { agentScaleSetStep } from "./agent-scale-set";
import { agentSoftwareStep } from "./agent-software";
import { agentSubnetStep } from "./agent-subnet";
import { agentVmsStep } from "./agent-vms";
import { agentVnetStep } from "./agent-vnet";
import { agentsOnlineStep } from "./agents-online";
import { devopsPoolStep } from "./devops-pool";
import { dnsLinksStep } from "./dns-links";
import { networkSecurityGroupStep } from "./network-security-group";
import { peeringStep } from "./peering";
import { preflightStep } from "./preflight";
import { projectQueuesStep } from "./project-queues";
import { resourceGroupStep } from "./resource-group";
import type { Step } from "./step";
import { verifyStep } from "./verify";

/**
 * The steps in order, grouped in stages: the steps of a stage do not depend on each other and run concurrently;
 * a stage starts when the one before finished. destroy walks the flattened list backwards.
 */
export const STAGES: readonly (readonly Step[])[] = [
  [preflightStep],
  [resourceGroupStep],
  [networkSecurityGroupStep, agentVnetStep],
  [agentSubnetStep],
  [peeringStep, dnsLinksStep, devopsPoolStep],
  [agentVmsStep, agentScaleSetStep],
  [agentSoftwareStep, projectQueuesStep],
  [agentsOnlineStep],
  [verifyStep],
];

export const STEPS: readonly Step[] = STAGES.flat();
