import { discoverAgentVnet } from "../../readiness/agent-vnet";
import { runReadinessCheck } from "../../readiness/engine";
import type { ReadinessReport } from "../../readiness/finding";
import { probeStep } from "../../readiness/probe-step";
import { dnsServerResolver, parseDnsServer, systemResolver } from "../../readiness/probe/resolver";
import type { ClientsForSubscription } from "../../readiness/topology/read-topology";
import type { Cloud } from "../../network/private-link-zones";
import type { TaskInputs } from "./inputs";

export interface GateContext {
  workspaceId: string;
  cloud: Cloud;
  clientsFor: ClientsForSubscription;
  imdsEndpoint?: string;
  onAgentVnetDiscovered?(vnetId: string): void;
}

/** The same engine as `amlvnet check`, with probes on by default since the task runs on the agent itself. */
export async function runGate(inputs: TaskInputs, context: GateContext): Promise<ReadinessReport> {
  let agentVnetId = inputs.agentVnetId;
  if (!agentVnetId) {
    agentVnetId = await discoverAgentVnet(context.clientsFor, context.imdsEndpoint);
    context.onAgentVnetDiscovered?.(agentVnetId);
  }
  const resolver = inputs.dnsServer ? dnsServerResolver(parseDnsServer(inputs.dnsServer)) : systemResolver();
  return runReadinessCheck(
    { workspaceId: context.workspaceId, agentVnetId, cloud: context.cloud, failOn: inputs.failOn, targets: inputs.targets, probe: inputs.probe ? probeStep({ resolver, timeoutMs: 3000 }) : undefined },
    context.clientsFor,
  );
}
