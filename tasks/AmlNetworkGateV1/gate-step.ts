import * as tl from "azure-pipelines-task-lib/task";
import { discoverAgentVnet } from "../../readiness/agent-vnet";
import { judgeTopology, ReadinessOptions } from "../../readiness/engine";
import type { ReadinessReport } from "../../readiness/finding";
import type { JunitTimings } from "../../readiness/render/junit";
import { probeStep } from "../../readiness/probe-step";
import { dnsServerResolver, parseDnsServer, systemResolver } from "../../readiness/probe/resolver";
import { ClientsForSubscription, readTopology } from "../../readiness/topology/read-topology";
import type { Cloud } from "../../network/private-link-zones";
import type { TaskInputs } from "./inputs";

export interface GateContext {
  workspaceId: string;
  cloud: Cloud;
  clientsFor: ClientsForSubscription;
  imdsEndpoint?: string;
  onAgentVnetDiscovered?(vnetId: string): void;
}

export interface GateResult {
  report: ReadinessReport;
  timings: JunitTimings;
}

/**
 * The same engine as `amlvnet check`, with probes on by default since the task runs on the agent itself; each phase
 * (topology read, configuration checks, probes) is timed for the JUnit results.
 */
export async function runGate(inputs: TaskInputs, context: GateContext): Promise<GateResult> {
  let agentVnetId = inputs.agentVnetId;
  if (!agentVnetId) {
    tl.debug(`agent VNet: not given, asking the instance metadata service${context.imdsEndpoint ? ` at ${context.imdsEndpoint}` : ""}`);
    agentVnetId = await discoverAgentVnet(context.clientsFor, context.imdsEndpoint);
    context.onAgentVnetDiscovered?.(agentVnetId);
  }
  tl.debug(`probes: ${inputs.probe ? `on, resolving through ${inputs.dnsServer ?? "the agent's resolver"}` : "off"}`);
  const resolver = inputs.dnsServer ? dnsServerResolver(parseDnsServer(inputs.dnsServer)) : systemResolver();
  const probe = inputs.probe ? probeStep({ resolver, timeoutMs: 3000 }) : undefined;
  let probesMs = 0;
  const timedProbe: ReadinessOptions["probe"] = probe
    ? async (topology, recorder) => {
        const started = performance.now();
        await probe(topology, recorder);
        probesMs = performance.now() - started;
      }
    : undefined;
  const options: ReadinessOptions = {
    workspaceId: context.workspaceId,
    agentVnetId,
    cloud: context.cloud,
    failOn: inputs.failOn,
    targets: inputs.targets,
    probe: timedProbe,
  };
  const readStarted = performance.now();
  const topology = await readTopology(options, context.clientsFor);
  const judgeStarted = performance.now();
  const report = await judgeTopology(topology, options);
  const judgeMs = performance.now() - judgeStarted;
  return { report, timings: { topologyMs: judgeStarted - readStarted, checksMs: Math.max(judgeMs - probesMs, 0), probesMs } };
}
