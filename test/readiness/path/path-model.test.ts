import assert from "node:assert/strict";
import type { VirtualNetworkPeering } from "@azure/arm-network";
import { judgeTopology } from "../../../readiness/engine";
import { generateHubSpoke } from "../large-topology";

/** Path model hops on a small generated hub-and-spoke (spoke 1 holds the endpoints; others reach it through the hub). */
describe("path model on a generated hub-and-spoke", () => {
  it("a direct peering whose address space changed and was not synced leaves the endpoint unrouted: the peering is at fault", async () => {
    const { topology, options } = generateHubSpoke({ vnets: 3, nsgRules: 28 });
    const spoke1 = topology.vnets.values().find((v) => v.name === "vnet-spoke-1");
    const spoke2 = topology.vnets.values().find((v) => v.name === "vnet-spoke-2");
    if (!spoke1?.id || !spoke2?.id) throw new Error("generated spokes missing");
    // Spoke 2 peers spoke 1 directly (no route through the hub), but only knows spoke 1's old space, 10.1.0.0/24.
    for (const subnet of spoke2.subnets ?? []) subnet.routeTable = undefined;
    const stale: VirtualNetworkPeering = {
      id: `${spoke2.id}/virtualNetworkPeerings/to-spoke-1`,
      name: "to-spoke-1",
      remoteVirtualNetwork: { id: spoke1.id },
      remoteAddressSpace: { addressPrefixes: ["10.1.0.0/24"] },
      peeringState: "Connected",
      peeringSyncLevel: "LocalNotInSync",
      allowVirtualNetworkAccess: true,
    };
    spoke2.virtualNetworkPeerings?.push(stale);
    spoke1.virtualNetworkPeerings?.push({
      id: `${spoke1.id}/virtualNetworkPeerings/to-spoke-2`,
      name: "to-spoke-2",
      remoteVirtualNetwork: { id: spoke2.id },
      remoteAddressSpace: spoke2.addressSpace,
      peeringState: "Connected",
      peeringSyncLevel: "RemoteNotInSync",
      allowVirtualNetworkAccess: true,
    });
    const report = await judgeTopology(topology, options);
    const paths = report.findings.filter((f) => f.id.startsWith("path.reach:cluster-2:"));
    assert.equal(paths.length, 5, JSON.stringify(report.findings, null, 1));
    assert.ok(paths.every((f) => f.resourceId === stale.id && f.category === "peering" && f.fix === `az network vnet peering sync --ids ${stale.id}`));
    assert.match(paths[0].message, /peering to-spoke-1 from vnet-spoke-2 to vnet-spoke-1 is LocalNotInSync, so 10\.1\.2\.\d+ is not routed through it yet/);
  });
});
