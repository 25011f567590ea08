import type { CheckRecorder } from "../checks/recorder";
import type { PathModel } from "../path/path-model";
import type { Topology } from "../topology/topology";
import { checkClusterSettings } from "./cluster-checks";
import { placeOf } from "./cluster-place";
import { checkEndpointsRead, checkOnlineEndpoint } from "./endpoint-checks";
import { checkClusterPaths } from "./path-checks";
import { checkNetworkContributor } from "./role-checks";

/** Every inference target of the workspace (or of --target): AKS / Kubernetes computes and online endpoints. */
export function checkInference(topology: Topology, recorder: CheckRecorder, model: PathModel): void {
  const inference = topology.inference;
  if (!inference) return;
  for (const entry of inference.clusters) {
    const place = placeOf(topology, entry);
    if (!checkClusterSettings(topology, place, recorder)) continue;
    checkNetworkContributor(place, recorder);
    checkClusterPaths(topology, place, recorder, model);
  }
  checkEndpointsRead(topology, recorder);
  for (const item of inference.endpoints) checkOnlineEndpoint(topology, item, recorder);
}
