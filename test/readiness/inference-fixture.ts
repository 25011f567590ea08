import assert from "node:assert/strict";
import { runReadinessCheck } from "../../readiness/engine";
import type { Finding, ReadinessReport } from "../../readiness/finding";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { putInferenceCluster } from "../../sandbox/scenarios/inference-cluster";
import { type ReferenceIds, sandboxClientsFor, startReferenceSandbox } from "./helpers";

export const NET = "2024-07-01";
export const AKS = "2024-05-01";
export const ML = "2024-10-01";
export const DNS = "2024-06-01";

/**
 * A fresh reference scenario for every test (mocha hooks of the calling describe), whose AKS compute aks-inference
 * checks ready, and the means to plant inference faults on it through raw ARM PUTs and judge the result.
 */
export function inferenceFaults() {
  const planted = { sandbox: undefined as unknown as RunningSandbox, ids: undefined as unknown as ReferenceIds, clusterId: "", computeId: "" };
  const check = (targets?: string[]): Promise<ReadinessReport> =>
    runReadinessCheck(
      { workspaceId: planted.ids.workspaceId, agentVnetId: planted.ids.agentVnetId, cloud: "AzureCloud", failOn: "error", targets },
      sandboxClientsFor(planted.sandbox),
    );
  // ARM bodies are indexed freely in set-up code.
  const get = (id: string, version: string) =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    planted.sandbox.armClient.get(id, version) as { location: string; properties: Record<string, any> } & Record<string, any>;
  const put = (id: string, version: string, body: unknown) => planted.sandbox.armClient.put(id, version, body);
  const errors = (report: ReadinessReport): Finding[] => report.findings.filter((f) => f.severity === "error");
  const only = (report: ReadinessReport, id: string): Finding => {
    const found = report.findings.filter((f) => f.id === id);
    assert.equal(found.length, 1, JSON.stringify(report.findings, null, 1));
    return found[0];
  };
  const assertClean = async () => {
    const report = await check();
    assert.deepEqual(
      report.findings.map((f) => `${f.id}: ${f.message}`),
      [],
    );
    assert.equal(report.ready, true);
  };
  /** Re-PUTs aks-inference with these compute properties over its own. */
  const recompute = (inner: Record<string, unknown>) => {
    const compute = get(planted.computeId, ML);
    put(planted.computeId, ML, {
      location: compute.location,
      properties: { computeType: "AKS", resourceId: planted.clusterId, properties: { ...compute.properties.properties, ...inner } },
    });
  };
  /** Attaches the reference AKS cluster (internal load balancer in snet-aks) as the compute `computeId`. */
  const attachReferenceCluster = (computeId: string) =>
    put(computeId, ML, {
      location: "westeurope",
      properties: {
        computeType: "AKS",
        resourceId: planted.clusterId,
        properties: { loadBalancerType: "InternalLoadBalancer", loadBalancerSubnet: "snet-aks" },
      },
    });
  /** A cluster in its own VNet (and region), Network Contributor on the VNet's group, attached as `name`. */
  const attachElsewhere = (name: string, location: string, space: string, peer: boolean) => {
    const { ids } = planted;
    const vnetId = `${ids.net}/virtualNetworks/vnet-${name}`;
    put(vnetId, NET, { location, properties: { addressSpace: { addressPrefixes: [space] } } });
    if (peer) {
      put(`${vnetId}/virtualNetworkPeerings/to-aml`, NET, { properties: { remoteVirtualNetwork: { id: ids.amlVnetId }, allowVirtualNetworkAccess: true } });
      put(`${ids.amlVnetId}/virtualNetworkPeerings/to-${name}`, NET, { properties: { remoteVirtualNetwork: { id: vnetId }, allowVirtualNetworkAccess: true } });
    }
    return putInferenceCluster(planted.sandbox.armClient, {
      resourceGroupId: ids.rg,
      workspaceId: ids.workspaceId,
      location,
      vnetId,
      subnetName: "snet-aks",
      subnetPrefix: space.replace(/\/16$/, "/22"),
      clusterName: `aks-${name}`,
      computeName: name,
      serviceCidr: "10.200.0.0/16",
      dnsServiceIP: "10.200.0.10",
    });
  };
  /** An NSG security rule denying all outbound traffic to `destination`. */
  const denyOutbound = (name: string, priority: number, destination: string) => ({
    name,
    properties: {
      priority,
      direction: "Outbound",
      access: "Deny",
      protocol: "*",
      sourcePortRange: "*",
      destinationPortRange: "*",
      sourceAddressPrefix: "*",
      destinationAddressPrefix: destination,
    },
  });
  beforeEach(async () => {
    ({ sandbox: planted.sandbox, ids: planted.ids } = await startReferenceSandbox());
    planted.clusterId = `${planted.ids.rg}/providers/Microsoft.ContainerService/managedClusters/${planted.ids.names.inferenceCluster}`;
    planted.computeId = `${planted.ids.workspaceId}/computes/${planted.ids.names.inferenceCompute}`;
  });
  afterEach(() => planted.sandbox.close());
  return Object.assign(planted, { check, get, put, errors, only, assertClean, recompute, attachReferenceCluster, attachElsewhere, denyOutbound });
}
