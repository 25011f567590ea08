import assert from "node:assert/strict";
import { judgeTopology, runReadinessCheck } from "../../readiness/engine";
import { CheckSetupError } from "../../readiness/errors";
import type { Finding, ReadinessReport } from "../../readiness/finding";
import { readTopology } from "../../readiness/topology/read-topology";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { putInferenceCluster } from "../../sandbox/scenarios/inference-cluster";
import { applyAzFix } from "./az-fix";
import { type ReferenceIds, sandboxClientsFor, startReferenceSandbox } from "./helpers";

const NET = "2024-07-01";
const AKS = "2024-05-01";
const ML = "2024-10-01";
const DNS = "2024-06-01";

/**
 * Seed 002's inference rules, one planted fault per test on the reference scenario (whose AKS compute
 * aks-inference checks ready): the check reports it as an error naming the compute, cluster or resource at fault,
 * and applying its fix through the sandbox makes the next check pass.
 */
describe("readiness engine: inference targets (AKS computes, online endpoints)", () => {
  let sandbox: RunningSandbox;
  let ids: ReferenceIds;
  let clusterId: string;
  let computeId: string;
  beforeEach(async () => {
    ({ sandbox, ids } = await startReferenceSandbox());
    clusterId = `${ids.rg}/providers/Microsoft.ContainerService/managedClusters/${ids.names.inferenceCluster}`;
    computeId = `${ids.workspaceId}/computes/${ids.names.inferenceCompute}`;
  });
  afterEach(() => sandbox.close());

  const check = (targets?: string[]): Promise<ReadinessReport> =>
    runReadinessCheck(
      { workspaceId: ids.workspaceId, agentVnetId: ids.agentVnetId, cloud: "AzureCloud", failOn: "error", targets },
      sandboxClientsFor(sandbox),
    );
  // ARM bodies are indexed freely in set-up code.
  const get = (id: string, version: string) =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    sandbox.armClient.get(id, version) as { location: string; properties: Record<string, any> } & Record<string, any>;
  const put = (id: string, version: string, body: unknown) => sandbox.armClient.put(id, version, body);
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
  const recompute = (inner: Record<string, unknown>) => {
    const compute = get(computeId, ML);
    put(computeId, ML, {
      location: compute.location,
      properties: { computeType: "AKS", resourceId: clusterId, properties: { ...compute.properties.properties, ...inner } },
    });
  };
  /** A cluster in its own VNet (and region), Network Contributor on the VNet's group, attached as `name`. */
  const attachElsewhere = (name: string, location: string, space: string, peer: boolean) => {
    const vnetId = `${ids.net}/virtualNetworks/vnet-${name}`;
    put(vnetId, NET, { location, properties: { addressSpace: { addressPrefixes: [space] } } });
    if (peer) {
      put(`${vnetId}/virtualNetworkPeerings/to-aml`, NET, { properties: { remoteVirtualNetwork: { id: ids.amlVnetId }, allowVirtualNetworkAccess: true } });
      put(`${ids.amlVnetId}/virtualNetworkPeerings/to-${name}`, NET, { properties: { remoteVirtualNetwork: { id: vnetId }, allowVirtualNetworkAccess: true } });
    }
    return putInferenceCluster(sandbox.armClient, {
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

  it("the reference AKS compute is judged by every inference rule and is ready", async () => {
    const report = await check();
    assert.equal(report.ready, true, JSON.stringify(report.findings, null, 1));
    const judged = report.checks.filter((c) => c.category === "inference").map((c) => c.id.split(":")[0]);
    for (const rule of [
      "inference.region",
      "inference.private-fqdn",
      "inference.service-cidr",
      "inference.dns-service-ip",
      "inference.docker-bridge",
      "inference.ilb-subnet",
      "inference.load-balancer",
      "inference.network-contributor",
      "inference.endpoints-reachable",
      "inference.egress",
      "inference.scoring-inbound",
    ]) {
      assert.ok(judged.includes(rule), `${rule} not judged: ${judged.join(", ")}`);
    }
  });

  it("no Network Contributor for the cluster identity: error on the cluster; the az role assignment fix makes it pass", async () => {
    const { principalId } = get(clusterId, AKS).identity;
    const listed = sandboxClientsFor(sandbox)(ids.names.subscriptionId).authorization.roleAssignments.listForScope(ids.rg, {
      filter: `principalId eq '${principalId}'`,
    });
    for await (const assignment of listed) sandbox.armClient.delete(assignment.id as string, "2022-04-01");
    const finding = only(await check(), "inference.network-contributor:aks-inference");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", clusterId]);
    assert.equal(
      finding.fix,
      `az role assignment create --assignee-object-id ${principalId} --assignee-principal-type ServicePrincipal --role "Network Contributor" --scope ${ids.rg}`,
    );
    applyAzFix(sandbox, finding.fix);
    await assertClean();
  });

  it("a cluster in another region than the private-endpoint workspace: error on the cluster; re-attaching one in the region passes", async () => {
    const other = attachElsewhere("aks-ne", "northeurope", "10.40.0.0/16", true);
    const report = await check();
    const finding = only(report, "inference.region:aks-ne");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", other.clusterId]);
    assert.match(finding.fix, /az aks create .*--location westeurope/);
    sandbox.armClient.delete(other.computeId, ML);
    put(`${ids.workspaceId}/computes/aks-ne-westeurope`, ML, {
      location: "westeurope",
      properties: { computeType: "AKS", resourceId: clusterId, properties: { loadBalancerType: "InternalLoadBalancer", loadBalancerSubnet: "snet-aks" } },
    });
    await assertClean();
  });

  it("a cluster in a VNet that reaches no private endpoint: error on the compute; the peering fix makes it pass", async () => {
    const isolated = attachElsewhere("aks-iso", "westeurope", "10.50.0.0/16", false);
    const finding = only(await check(), "inference.endpoints-reachable:aks-iso");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", isolated.computeId]);
    assert.match(finding.message, /workspace mlw-secure .*storage stmlwsecure.*Key Vault.*container registry/);
    applyAzFix(sandbox, finding.fix);
    await assertClean();
  });

  it("a cluster in a VNet AKS manages itself (no vnetSubnetID): error on the compute; attaching a cluster in a subnet passes", async () => {
    const bareId = `${ids.rg}/providers/Microsoft.ContainerService/managedClusters/aks-bare`;
    put(bareId, AKS, {
      location: "westeurope",
      identity: { type: "SystemAssigned" },
      properties: { dnsPrefix: "aks-bare", agentPoolProfiles: [{ name: "system", count: 1, mode: "System" }] },
    });
    const bareCompute = `${ids.workspaceId}/computes/aks-bare`;
    put(bareCompute, ML, { location: "westeurope", properties: { computeType: "AKS", resourceId: bareId, properties: {} } });
    const finding = only(await check(), "inference.subnet:aks-bare");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", bareCompute]);
    assert.match(finding.fix, /az aks create --vnet-subnet-id/);
    put(bareCompute, ML, {
      location: "westeurope",
      properties: { computeType: "AKS", resourceId: clusterId, properties: { loadBalancerType: "InternalLoadBalancer", loadBalancerSubnet: "snet-aks" } },
    });
    await assertClean();
  });

  it("egress to the registry denied by the cluster subnet's NSG (endpoint IP and service tag): errors on the NSG; the rules of the fix pass", async () => {
    const nsgId = `${ids.net}/networkSecurityGroups/nsg-aks`;
    // With a zone group attached, customDnsConfigs is empty (as on real Azure): the IP is on the endpoint's NIC.
    const nicId = get(`${ids.net}/privateEndpoints/pe-acr`, NET).properties.networkInterfaces[0].id as string;
    const registryIp = get(nicId, NET).properties.ipConfigurations[0].properties.privateIPAddress as string;
    const deny = (name: string, priority: number, destination: string) => ({
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
    put(nsgId, NET, {
      location: "westeurope",
      properties: { securityRules: [deny("DenyAcrEndpoint", 200, `${registryIp}/32`), deny("DenyAcrTag", 210, "AzureContainerRegistry")] },
    });
    const subnetId = `${ids.amlVnetId}/subnets/${ids.names.inferenceSubnet}`;
    put(subnetId, NET, { properties: { ...get(subnetId, NET).properties, networkSecurityGroup: { id: nsgId } } });
    const report = await check();
    const endpoint = only(report, "inference.egress:aks-inference:registry");
    const tag = only(report, "inference.egress:aks-inference:AzureContainerRegistry");
    for (const finding of [endpoint, tag]) assert.deepEqual([finding.severity, finding.resourceId], ["error", nsgId]);
    assert.match(endpoint.message, /rule DenyAcrEndpoint \(priority 200\)/);
    applyAzFix(sandbox, endpoint.fix);
    applyAzFix(sandbox, tag.fix);
    await assertClean();
  });

  it("restricted egress (Internet denied) without AzureContainerRegistry.<region> and MCR: errors on the NSG; allowing both passes", async () => {
    const nsgId = `${ids.net}/networkSecurityGroups/nsg-aks-restricted`;
    put(nsgId, NET, {
      location: "westeurope",
      properties: {
        securityRules: [
          {
            name: "DenyInternetOutbound",
            properties: {
              priority: 4000,
              direction: "Outbound",
              access: "Deny",
              protocol: "*",
              sourcePortRange: "*",
              destinationPortRange: "*",
              sourceAddressPrefix: "*",
              destinationAddressPrefix: "Internet",
            },
          },
        ],
      },
    });
    const subnetId = `${ids.amlVnetId}/subnets/${ids.names.inferenceSubnet}`;
    put(subnetId, NET, { properties: { ...get(subnetId, NET).properties, networkSecurityGroup: { id: nsgId } } });
    const report = await check();
    const acr = only(report, "inference.egress:aks-inference:AzureContainerRegistry");
    const mcr = only(report, "inference.egress:aks-inference:MicrosoftContainerRegistry");
    for (const finding of [acr, mcr]) assert.deepEqual([finding.severity, finding.resourceId], ["error", nsgId]);
    assert.match(acr.fix, /--destination-address-prefixes AzureContainerRegistry\.westeurope .*--destination-port-ranges 443/);
    assert.equal(errors(report).length, 2, JSON.stringify(report.findings, null, 1));
    applyAzFix(sandbox, acr.fix);
    applyAzFix(sandbox, mcr.fix);
    await assertClean();
  });

  it("a subnet added inside the cluster's service range: error on the cluster; removing it passes", async () => {
    const vnet = get(ids.amlVnetId, NET);
    put(ids.amlVnetId, NET, {
      location: vnet.location,
      properties: { ...vnet.properties, addressSpace: { addressPrefixes: ["10.10.0.0/16", "10.100.0.0/24"] } },
    });
    put(`${ids.amlVnetId}/subnets/snet-late`, NET, { properties: { addressPrefix: "10.100.0.0/24" } });
    const finding = only(await check(), "inference.service-cidr:aks-inference");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", clusterId]);
    assert.match(finding.message, /10\.100\.0\.0\/16 .*overlaps .*subnet snet-late 10\.100\.0\.0\/24/);
    applyAzFix(sandbox, finding.fix.split("#")[0]);
    await assertClean();
  });

  it("DNS service IP outside the service range and docker bridge inside a subnet (compute settings): errors on the compute; SDK defaults pass", async () => {
    const config = get(computeId, ML).properties.properties.aksNetworkingConfiguration;
    recompute({ aksNetworkingConfiguration: { ...config, dnsServiceIP: "10.200.0.10", dockerBridgeCidr: "10.10.1.1/24" } });
    const report = await check();
    const dns = only(report, "inference.dns-service-ip:aks-inference");
    const bridge = only(report, "inference.docker-bridge:aks-inference");
    for (const finding of [dns, bridge]) assert.deepEqual([finding.severity, finding.resourceId], ["error", computeId]);
    assert.match(dns.fix, /inside 10\.100\.0\.0\/16, e\.g\. 10\.100\.0\.10/);
    assert.match(bridge.message, /subnet snet-training 10\.10\.1\.0\/24/);
    recompute({ aksNetworkingConfiguration: { ...config, dnsServiceIP: "10.100.0.10", dockerBridgeCidr: "172.17.0.1/16" } });
    await assertClean();
  });

  it("a private cluster with a public FQDN: error on the cluster; --disable-public-fqdn passes", async () => {
    const cluster = get(clusterId, AKS);
    const withApi = (api: Record<string, unknown>) =>
      put(clusterId, AKS, {
        location: cluster.location,
        identity: { type: "SystemAssigned" },
        properties: { ...cluster.properties, apiServerAccessProfile: api },
      });
    withApi({ enablePrivateCluster: true, enablePrivateClusterPublicFQDN: true });
    const finding = only(await check(), "inference.private-fqdn:aks-inference");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", clusterId]);
    assert.equal(finding.fix, `az aks update --resource-group ${ids.names.resourceGroup} --name ${ids.names.inferenceCluster} --disable-public-fqdn`);
    withApi({ enablePrivateCluster: true, enablePrivateClusterPublicFQDN: false });
    await assertClean();
  });

  it("a public load balancer in front of a private workspace: a warning on the compute; the internal load balancer passes", async () => {
    recompute({ loadBalancerType: "PublicIp" });
    const report = await check();
    const finding = only(report, "inference.load-balancer:aks-inference");
    assert.deepEqual([finding.severity, finding.resourceId, report.ready], ["warning", computeId, true]);
    assert.match(finding.fix, /loadBalancerType=InternalLoadBalancer and properties\.properties\.loadBalancerSubnet=snet-aks/);
    recompute({ loadBalancerType: "InternalLoadBalancer", loadBalancerSubnet: "snet-aks" });
    await assertClean();
  });

  it("an internal load balancer subnet that does not exist: error on the compute; creating the subnet passes", async () => {
    recompute({ loadBalancerSubnet: "snet-scoring" });
    const finding = only(await check(), "inference.ilb-subnet:aks-inference");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", computeId]);
    assert.match(finding.fix, /az network vnet subnet create .*--vnet-name vnet-aml --name snet-scoring/);
    put(`${ids.amlVnetId}/subnets/snet-scoring`, NET, { properties: { addressPrefix: "10.10.12.0/24" } });
    await assertClean();
  });

  it("an online endpoint with public access disabled whose scoring zone is not linked to the agents: error on the endpoint; the link passes", async () => {
    const endpointId = `${ids.workspaceId}/onlineEndpoints/ep-score`;
    put(endpointId, ML, { location: "westeurope", identity: { type: "SystemAssigned" }, properties: { authMode: "Key", publicNetworkAccess: "Disabled" } });
    put(`${endpointId}/deployments/blue`, ML, {
      location: "westeurope",
      sku: { name: "Default", capacity: 1 },
      properties: { endpointComputeType: "Managed", egressPublicNetworkAccess: "Disabled" },
    });
    await assertClean();
    const link = `${ids.zoneId("privatelink.api.azureml.ms")}/virtualNetworkLinks/link-vnet-bastion`;
    sandbox.armClient.delete(link, DNS);
    const report = await check(["ep-score"]);
    const finding = only(report, "inference.online-endpoint:ep-score");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", endpointId]);
    assert.match(finding.fix, /az network private-dns link vnet create .*--virtual-network .*vnet-bastion/);
    put(link, DNS, { location: "global", properties: { virtualNetwork: { id: ids.agentVnetId }, registrationEnabled: false } });
    await assertClean();
  });

  it("--target: restricts the verdict, refuses unknown names with the list, and calls ACI on a private workspace an error", async () => {
    recompute({ loadBalancerSubnet: "snet-scoring" });
    assert.equal((await check(["cpu-cluster"])).ready, true, "the AKS fault is outside a cpu-cluster stage");
    assert.equal((await check(["aks-inference"])).ready, false);
    await assert.rejects(
      check(["aks-nope"]),
      (error: Error) =>
        error instanceof CheckSetupError &&
        /target 'aks-nope' names no compute or online endpoint of workspace mlw-secure; it has computes: .*cpu-cluster \(AmlCompute\).*aks-inference \(AKS\)/.test(
          error.message,
        ),
    );
    const aci = only(await check(["aci"]), "inference.aci:aci");
    assert.deepEqual([aci.severity, aci.resourceId], ["error", ids.workspaceId]);
    assert.match(aci.message, /managed online endpoint/);
  });

  it("role assignments or the cluster unreadable: a warning naming the permission, never a silent pass", async () => {
    const topology = await readTopology({ workspaceId: ids.workspaceId, agentVnetId: ids.agentVnetId, cloud: "AzureCloud" }, sandboxClientsFor(sandbox));
    const entry = topology.inference?.clusters[0];
    assert.ok(entry?.roleAssignments);
    entry.roleAssignments = undefined;
    entry.roleRead = { status: 403, action: "Microsoft.Authorization/roleAssignments/read", message: "denied" };
    const roles = only(
      await judgeTopology(topology, { workspaceId: ids.workspaceId, agentVnetId: ids.agentVnetId, cloud: "AzureCloud", failOn: "error" }),
      "inference.network-contributor:aks-inference",
    );
    assert.equal(roles.severity, "warning");
    assert.match(roles.message, /'Microsoft\.Authorization\/roleAssignments\/read'.*NOT checked/);
    entry.cluster = undefined;
    entry.clusterRead = { status: 403, action: "Microsoft.ContainerService/managedClusters/read", message: "denied" };
    const cluster = only(
      await judgeTopology(topology, { workspaceId: ids.workspaceId, agentVnetId: ids.agentVnetId, cloud: "AzureCloud", failOn: "error" }),
      "inference.cluster-readable:aks-inference",
    );
    assert.deepEqual([cluster.severity, cluster.resourceId], ["warning", clusterId]);
    assert.equal(errors(await check()).length, 0);
  });
});
