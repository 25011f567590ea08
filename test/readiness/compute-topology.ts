/** Raw ARM PUTs that plant computes, VNets, peerings and NSGs around the reference scenario, for the path tests. */
import { runReadinessCheck } from "../../readiness/engine";
import type { Finding, ReadinessReport } from "../../readiness/finding";
import { REFERENCE_ZONES } from "../../sandbox/scenarios/reference-topology";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { referenceIds, sandboxClientsFor } from "./helpers";

export const NET = "2024-07-01";
export const DNS = "2024-06-01";
export const ML = "2024-04-01";

type Body = { properties: Record<string, unknown> } & Record<string, unknown>;

export type Planter = ReturnType<typeof plant>;

/** A sandbox on the reference scenario and the planter of faults on it. */
export async function startPlanting(): Promise<{ sandbox: RunningSandbox; t: Planter }> {
  const sandbox = await startTestSandbox({ scenario: "reference" });
  return { sandbox, t: plant(sandbox) };
}

export function plant(sandbox: RunningSandbox) {
  const ids = referenceIds(sandbox);
  const arm = sandbox.armClient;
  const put = (id: string, version: string, body: unknown) => arm.put(id, version, body);
  const get = (id: string, version: string) => arm.get(id, version) as Body;
  const vnetId = (name: string, rg = ids.rg) => `${rg}/providers/Microsoft.Network/virtualNetworks/${name}`;
  const computeId = (name: string) => `${ids.workspaceId}/computes/${name}`;
  return {
    ids,
    put,
    get,
    vnetId,
    computeId,
    check: (agentVnetId: string = ids.agentVnetId): Promise<ReadinessReport> =>
      runReadinessCheck({ workspaceId: ids.workspaceId, agentVnetId, cloud: "AzureCloud", failOn: "error" }, sandboxClientsFor(sandbox)),
    /** A VNet with one subnet per [name, prefix, extra subnet properties]. */
    vnet(name: string, space: string, subnets: Array<[string, string, Record<string, unknown>?]>, location = "westeurope"): string {
      const id = vnetId(name);
      put(id, NET, {
        location,
        properties: {
          addressSpace: { addressPrefixes: [space] },
          subnets: subnets.map(([n, prefix, extra]) => ({ name: n, properties: { addressPrefix: prefix, ...(extra ?? {}) } })),
        },
      });
      return id;
    },
    /** Peering both ways between two VNets. */
    peer(a: string, b: string, options: { forwarded?: boolean } = {}): void {
      const body = (remote: string) => ({
        properties: { remoteVirtualNetwork: { id: remote }, allowVirtualNetworkAccess: true, allowForwardedTraffic: options.forwarded ?? true },
      });
      put(`${a}/virtualNetworkPeerings/to-${b.split("/").pop()}`, NET, body(b));
      put(`${b}/virtualNetworkPeerings/to-${a.split("/").pop()}`, NET, body(a));
    },
    /** Links the six reference zones to a VNet. */
    linkZones(vnet: string): void {
      for (const zone of REFERENCE_ZONES)
        put(`${ids.zoneId(zone)}/virtualNetworkLinks/link-${vnet.split("/").pop()}`, DNS, {
          location: "global",
          properties: { virtualNetwork: { id: vnet }, registrationEnabled: false },
        });
    },
    cluster(name: string, subnetId: string | undefined, options: { location?: string; type?: "AmlCompute" | "ComputeInstance" } = {}): string {
      const type = options.type ?? "AmlCompute";
      const inner =
        type === "AmlCompute"
          ? { vmSize: "STANDARD_NC6", scaleSettings: { minNodeCount: 0, maxNodeCount: 2 }, enableNodePublicIp: true }
          : { vmSize: "STANDARD_DS3_V2" };
      put(computeId(name), ML, {
        location: options.location ?? "westeurope",
        properties: { computeType: type, properties: { ...inner, ...(subnetId ? { subnet: { id: subnetId } } : {}) } },
      });
      return computeId(name);
    },
    nsg(name: string, rules: Array<Record<string, unknown>>): string {
      const id = `${ids.net}/networkSecurityGroups/${name}`;
      put(id, NET, {
        location: "westeurope",
        properties: {
          securityRules: rules.map((r, i) => ({
            name: String(r.name ?? `rule-${i}`),
            properties: { sourcePortRange: "*", protocol: "Tcp", access: "Deny", ...r, name: undefined },
          })),
        },
      });
      return id;
    },
    /** Replaces properties of a subnet (re-PUT with its current body). */
    updateSubnet(subnetId: string, properties: Record<string, unknown>): void {
      put(subnetId, NET, { properties: { ...get(subnetId, NET).properties, ...properties } });
    },
  };
}

export function errors(report: ReadinessReport): Finding[] {
  return report.findings.filter((f) => f.severity === "error");
}
