import type { Cloud } from "../network/private-link-zones";
import { checkComputes } from "./checks/compute-checks";
import { checkDns } from "./checks/dns-checks";
import { checkPaths } from "./checks/path-checks";
import { checkHubReads } from "./checks/firewall-checks";
import { checkNsgFlows } from "./checks/nsg-checks";
import { checkPeering } from "./checks/peering-checks";
import { checkPrivateEndpoints } from "./checks/private-endpoint-checks";
import { reconcileNsgFixes } from "./checks/nsg-fix-reconcile";
import { CheckRecorder } from "./checks/recorder";
import { checkRoutes } from "./checks/route-checks";
import { checkSubnets } from "./checks/subnet-checks";
import { checkRegistry, checkWorkspace } from "./checks/workspace-checks";
import { CheckSetupError } from "./errors";
import { checkAciTarget } from "./inference/endpoint-checks";
import { checkInference } from "./inference/inference-checks";
import { isAciTarget, selectTargets } from "./inference/targets";
import type { FailOn, ReadinessReport } from "./finding";
import { hubPathExtensions } from "./hub-path-extensions";
import { buildReport } from "./report";
import { ClientsForSubscription, readTopology } from "./topology/read-topology";
import type { Topology } from "./topology/topology";
import { PathModel } from "./path/path-model";
import type { PathExtensions } from "./path/types";

export interface ReadinessOptions {
  workspaceId: string;
  agentVnetId?: string;
  cloud: Cloud;
  failOn: FailOn;
  /** Evaluators other parts plug into the path model: virtual appliances (firewalls), custom DNS chains. */
  pathExtensions?: PathExtensions;
  /** Computes and online endpoints a stage uses (`--target`); absent = every one of the workspace. `aci[:name]` asks about ACI. */
  targets?: string[];
  /** Probes run from this machine (the agent) after the configuration checks; absent = no probes. */
  probe?: (topology: Topology, recorder: CheckRecorder) => Promise<void>;
}

/** Every configuration check, in report order. Each reads the topology and records outcomes; none does I/O. */
const CONFIGURATION_CHECKS: Array<(topology: Topology, recorder: CheckRecorder, model: PathModel) => void> = [
  checkComputes,
  checkSubnets,
  checkNsgFlows,
  checkRoutes,
  checkHubReads,
  checkPrivateEndpoints,
  checkPaths,
  checkDns,
  checkPeering,
  checkWorkspace,
  checkRegistry,
  checkInference,
];

/** Reads the live topology around the workspace and judges whether agents in `agentVnetId` can train on it. */
export async function runReadinessCheck(options: ReadinessOptions, clientsFor: ClientsForSubscription): Promise<ReadinessReport> {
  const topology = await readTopology(options, clientsFor);
  return judgeTopology(topology, options);
}

export async function judgeTopology(topology: Topology, options: ReadinessOptions): Promise<ReadinessReport> {
  if (options.agentVnetId && !topology.vnets.get(options.agentVnetId)) {
    throw new CheckSetupError(`--agent-vnet ${options.agentVnetId} was not found (or is not readable by this identity); check the ID`);
  }
  selectTargets(topology, options.targets);
  const recorder = new CheckRecorder();
  // The hub's evaluators by default: an Azure Firewall on a route to an endpoint, custom DNS through the hub chain.
  const model = new PathModel(topology, options.pathExtensions ?? hubPathExtensions);
  for (const check of CONFIGURATION_CHECKS) check(topology, recorder, model);
  for (const target of (options.targets ?? []).filter(isAciTarget)) checkAciTarget(topology, target, recorder);
  if (options.probe) await options.probe(topology, recorder);
  const findings = reconcileNsgFixes(recorder.findings, topology);
  return buildReport({ workspaceId: topology.workspace.id, agentVnetId: options.agentVnetId, findings, checks: recorder.checks, failOn: options.failOn });
}
