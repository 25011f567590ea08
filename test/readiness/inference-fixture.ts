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
  const f = {
    sandbox: undefined as unknown as RunningSandbox,
    ids: undefined as unknown as ReferenceIds,
    clusterId: "",
    computeId: "",
    check: (targets?: string[]): Promise<ReadinessReport> =>
      runReadinessCheck(
        { workspaceId: f.ids.workspaceId, agentVnetId: f.ids.agentVnetId, cloud: "AzureCloud", failOn: "error", targets },
        sandboxClientsFor(f.sandbox),
      ),
    // ARM bodies are indexed freely in set-up code.
    get: (id: string, version: string) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      f.sandbox.armClient.get(id, version) as { location: string; properties: Record<string, any> } & Record<string, any>,
    put: (id: string, version: string, body: unknown) => f.sandbox.armClient.put(id, version, body),
    errors: (report: ReadinessReport): Finding[] => report.findings.filter((finding) => finding.severity === "error"),
    only: (report: ReadinessReport, id: string): Finding => {
      const found = report.findings.filter((finding) => finding.id === id);
      assert.equal(found.length, 1, JSON.stringify(report.findings, null, 1));
      return found[0];
    },
    assertClean: async () => {
      const report = await f.check();
      assert.deepEqual(
        report.findings.map((finding) => `${finding.id}: ${finding.message}`),
        [],
      );
      assert.equal(report.ready, true);
    },
    /** Re-PUTs aks-inference with these compute properties over its own. */
    recompute: (inner: Record<string, unknown>) => {
      const compute = f.get(f.computeId, ML);
      f.put(f.computeId, ML, {
        location: compute.location,
        properties: { computeType: "AKS", resourceId: f.clusterId, properties: { ...compute.properties.properties, ...inner } },
      });
    },
    /** A cluster in its own VNet (and region), Network Contributor on the VNet's group, attached as `name`. */
    attachElsewhere: (name: string, location: string, space: string, peer: boolean) => {
      const vnetId = `${f.ids.net}/virtualNetworks/vnet-${name}`;
      f.put(vnetId, NET, { location, properties: { addressSpace: { addressPrefixes: [space] } } });
      if (peer) {
        f.put(`${vnetId}/virtualNetworkPeerings/to-aml`, NET, {
          properties: { remoteVirtualNetwork: { id: f.ids.amlVnetId }, allowVirtualNetworkAccess: true },
        });
        f.put(`${f.ids.amlVnetId}/virtualNetworkPeerings/to-${name}`, NET, {
          properties: { remoteVirtualNetwork: { id: vnetId }, allowVirtualNetworkAccess: true },
        });
      }
      return putInferenceCluster(f.sandbox.armClient, {
        resourceGroupId: f.ids.rg,
        workspaceId: f.ids.workspaceId,
        location,
        vnetId,
        subnetName: "snet-aks",
        subnetPrefix: space.replace(/\/16$/, "/22"),
        clusterName: `aks-${name}`,
        computeName: name,
        serviceCidr: "10.200.0.0/16",
        dnsServiceIP: "10.200.0.10",
      });
    },
    /** An NSG security rule denying all outbound traffic to `destination`. */
    denyOutbound: (name: string, priority: number, destination: string) => ({
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
    }),
  };
  beforeEach(async () => {
    ({ sandbox: f.sandbox, ids: f.ids } = await startReferenceSandbox());
    f.clusterId = `${f.ids.rg}/providers/Microsoft.ContainerService/managedClusters/${f.ids.names.inferenceCluster}`;
    f.computeId = `${f.ids.workspaceId}/computes/${f.ids.names.inferenceCompute}`;
  });
  afterEach(() => f.sandbox.close());
  return f;
}
