import assert from "node:assert/strict";
import { applyAzFix } from "./az-fix";
import { AKS, ML, NET, inferenceFaults } from "./inference-fixture";

/**
 * Seed 002's rules on the AKS cluster's own settings, one planted fault per test on the reference scenario: region,
 * a VNet AKS manages itself, service range, DNS service IP and docker bridge, public FQDN, load balancer. Each is an
 * error (or warning) naming the compute or cluster at fault, and its fix makes the next check pass.
 */
describe("readiness engine: inference targets, the AKS cluster's settings", () => {
  const planted = inferenceFaults();
  const { check, get, put, only, assertClean, recompute, attachElsewhere, attachReferenceCluster } = planted;

  it("a cluster in another region than the private-endpoint workspace: error on the cluster; re-attaching one in the region passes", async () => {
    const other = attachElsewhere("aks-ne", "northeurope", "10.40.0.0/16", true);
    const report = await check();
    const finding = only(report, "inference.region:aks-ne");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", other.clusterId]);
    assert.match(finding.fix, /az aks create .*--location westeurope/);
    planted.sandbox.armClient.delete(other.computeId, ML);
    attachReferenceCluster(`${planted.ids.workspaceId}/computes/aks-ne-westeurope`);
    await assertClean();
  });

  it("a cluster in a VNet AKS manages itself (no vnetSubnetID): error on the compute; attaching a cluster in a subnet passes", async () => {
    const bareId = `${planted.ids.rg}/providers/Microsoft.ContainerService/managedClusters/aks-bare`;
    put(bareId, AKS, {
      location: "westeurope",
      identity: { type: "SystemAssigned" },
      properties: { dnsPrefix: "aks-bare", agentPoolProfiles: [{ name: "system", count: 1, mode: "System" }] },
    });
    const bareCompute = `${planted.ids.workspaceId}/computes/aks-bare`;
    put(bareCompute, ML, { location: "westeurope", properties: { computeType: "AKS", resourceId: bareId, properties: {} } });
    const finding = only(await check(), "inference.subnet:aks-bare");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", bareCompute]);
    assert.match(finding.fix, /az aks create --vnet-subnet-id/);
    attachReferenceCluster(bareCompute);
    await assertClean();
  });

  it("a subnet added inside the cluster's service range: error on the cluster; removing it passes", async () => {
    const vnet = get(planted.ids.amlVnetId, NET);
    put(planted.ids.amlVnetId, NET, {
      location: vnet.location,
      properties: { ...vnet.properties, addressSpace: { addressPrefixes: ["10.10.0.0/16", "10.100.0.0/24"] } },
    });
    put(`${planted.ids.amlVnetId}/subnets/snet-late`, NET, { properties: { addressPrefix: "10.100.0.0/24" } });
    const finding = only(await check(), "inference.service-cidr:aks-inference");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", planted.clusterId]);
    assert.match(finding.message, /10\.100\.0\.0\/16 .*overlaps .*subnet snet-late 10\.100\.0\.0\/24/);
    applyAzFix(planted.sandbox, finding.fix.split("#")[0]);
    await assertClean();
  });

  it("DNS service IP outside the service range and docker bridge inside a subnet (compute settings): errors on the compute; SDK defaults pass", async () => {
    const config = get(planted.computeId, ML).properties.properties.aksNetworkingConfiguration;
    recompute({ aksNetworkingConfiguration: { ...config, dnsServiceIP: "10.200.0.10", dockerBridgeCidr: "10.10.1.1/24" } });
    const report = await check();
    const dns = only(report, "inference.dns-service-ip:aks-inference");
    const bridge = only(report, "inference.docker-bridge:aks-inference");
    for (const finding of [dns, bridge]) assert.deepEqual([finding.severity, finding.resourceId], ["error", planted.computeId]);
    assert.match(dns.fix, /inside 10\.100\.0\.0\/16, e\.g\. 10\.100\.0\.10/);
    assert.match(bridge.message, /subnet snet-training 10\.10\.1\.0\/24/);
    recompute({ aksNetworkingConfiguration: { ...config, dnsServiceIP: "10.100.0.10", dockerBridgeCidr: "172.17.0.1/16" } });
    await assertClean();
  });

  it("a private cluster with a public FQDN: error on the cluster; --disable-public-fqdn passes", async () => {
    const cluster = get(planted.clusterId, AKS);
    const withApi = (api: Record<string, unknown>) =>
      put(planted.clusterId, AKS, {
        location: cluster.location,
        identity: { type: "SystemAssigned" },
        properties: { ...cluster.properties, apiServerAccessProfile: api },
      });
    withApi({ enablePrivateCluster: true, enablePrivateClusterPublicFQDN: true });
    const finding = only(await check(), "inference.private-fqdn:aks-inference");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", planted.clusterId]);
    assert.equal(
      finding.fix,
      `az aks update --resource-group ${planted.ids.names.resourceGroup} --name ${planted.ids.names.inferenceCluster} --disable-public-fqdn`,
    );
    withApi({ enablePrivateCluster: true, enablePrivateClusterPublicFQDN: false });
    await assertClean();
  });

  it("a public load balancer in front of a private workspace: a warning on the compute; the internal load balancer passes", async () => {
    recompute({ loadBalancerType: "PublicIp" });
    const report = await check();
    const finding = only(report, "inference.load-balancer:aks-inference");
    assert.deepEqual([finding.severity, finding.resourceId, report.ready], ["warning", planted.computeId, true]);
    assert.match(finding.fix, /loadBalancerType=InternalLoadBalancer and properties\.properties\.loadBalancerSubnet=snet-aks/);
    recompute({ loadBalancerType: "InternalLoadBalancer", loadBalancerSubnet: "snet-aks" });
    await assertClean();
  });

  it("an internal load balancer subnet that does not exist: error on the compute; creating the subnet passes", async () => {
    recompute({ loadBalancerSubnet: "snet-scoring" });
    const finding = only(await check(), "inference.ilb-subnet:aks-inference");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", planted.computeId]);
    assert.match(finding.fix, /az network vnet subnet create .*--vnet-name vnet-aml --name snet-scoring/);
    put(`${planted.ids.amlVnetId}/subnets/snet-scoring`, NET, { properties: { addressPrefix: "10.10.12.0/24" } });
    await assertClean();
  });
});
