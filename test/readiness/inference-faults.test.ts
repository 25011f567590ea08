import assert from "node:assert/strict";
import { judgeTopology } from "../../readiness/engine";
import { CheckSetupError } from "../../readiness/errors";
import { readTopology } from "../../readiness/topology/read-topology";
import { applyAzFix } from "./az-fix";
import { sandboxClientsFor } from "./helpers";
import { AKS, DNS, ML, NET, inferenceFaults } from "./inference-fixture";

/**
 * Seed 002's inference rules on what the AKS compute reaches and may do, one planted fault per test on the reference
 * scenario: the cluster identity's role, private endpoints reachable, egress through the cluster subnet's NSG,
 * online endpoints, --target, and what cannot be read. Each is an error naming the resource at fault (a warning where
 * the check cannot see), and applying its fix through the sandbox makes the next check pass.
 */
describe("readiness engine: inference targets (AKS computes, online endpoints), what they reach", () => {
  const planted = inferenceFaults();
  const { check, get, put, errors, only, assertClean, recompute, attachElsewhere, denyOutbound } = planted;

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
    const { principalId } = get(planted.clusterId, AKS).identity;
    const listed = sandboxClientsFor(planted.sandbox)(planted.ids.names.subscriptionId).authorization.roleAssignments.listForScope(planted.ids.rg, {
      filter: `principalId eq '${principalId}'`,
    });
    for await (const assignment of listed) planted.sandbox.armClient.delete(assignment.id as string, "2022-04-01");
    const finding = only(await check(), "inference.network-contributor:aks-inference");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", planted.clusterId]);
    assert.equal(
      finding.fix,
      `az role assignment create --assignee-object-id ${principalId} --assignee-principal-type ServicePrincipal --role "Network Contributor" --scope ${planted.ids.rg}`,
    );
    applyAzFix(planted.sandbox, finding.fix);
    await assertClean();
  });

  it("a cluster in a VNet that reaches no private endpoint: error on the compute; the peering fix makes it pass", async () => {
    const isolated = attachElsewhere("aks-iso", "westeurope", "10.50.0.0/16", false);
    const finding = only(await check(), "inference.endpoints-reachable:aks-iso");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", isolated.computeId]);
    assert.match(finding.message, /workspace mlw-secure .*storage stmlwsecure.*Key Vault.*container registry/);
    applyAzFix(planted.sandbox, finding.fix);
    await assertClean();
  });

  it("egress to the registry denied by the cluster subnet's NSG (endpoint IP and service tag): errors on the NSG; the rules of the fix pass", async () => {
    const nsgId = `${planted.ids.net}/networkSecurityGroups/nsg-aks`;
    // With a zone group attached, customDnsConfigs is empty (as on real Azure): the IP is on the endpoint's NIC.
    const nicId = get(`${planted.ids.net}/privateEndpoints/pe-acr`, NET).properties.networkInterfaces[0].id as string;
    const registryIp = get(nicId, NET).properties.ipConfigurations[0].properties.privateIPAddress as string;
    put(nsgId, NET, {
      location: "westeurope",
      properties: { securityRules: [denyOutbound("DenyAcrEndpoint", 200, `${registryIp}/32`), denyOutbound("DenyAcrTag", 210, "AzureContainerRegistry")] },
    });
    const subnetId = `${planted.ids.amlVnetId}/subnets/${planted.ids.names.inferenceSubnet}`;
    put(subnetId, NET, { properties: { ...get(subnetId, NET).properties, networkSecurityGroup: { id: nsgId } } });
    const report = await check();
    const endpoint = only(report, "inference.egress:aks-inference:registry");
    const tag = only(report, "inference.egress:aks-inference:AzureContainerRegistry");
    for (const finding of [endpoint, tag]) assert.deepEqual([finding.severity, finding.resourceId], ["error", nsgId]);
    assert.match(endpoint.message, /rule DenyAcrEndpoint \(priority 200\)/);
    applyAzFix(planted.sandbox, endpoint.fix);
    applyAzFix(planted.sandbox, tag.fix);
    await assertClean();
  });

  it("restricted egress (Internet denied) without AzureContainerRegistry.<region> and MCR: errors on the NSG; allowing both passes", async () => {
    const nsgId = `${planted.ids.net}/networkSecurityGroups/nsg-aks-restricted`;
    put(nsgId, NET, {
      location: "westeurope",
      properties: {
        securityRules: [denyOutbound("DenyInternetOutbound", 4000, "Internet")],
      },
    });
    const subnetId = `${planted.ids.amlVnetId}/subnets/${planted.ids.names.inferenceSubnet}`;
    put(subnetId, NET, { properties: { ...get(subnetId, NET).properties, networkSecurityGroup: { id: nsgId } } });
    const report = await check();
    const acr = only(report, "inference.egress:aks-inference:AzureContainerRegistry");
    const mcr = only(report, "inference.egress:aks-inference:MicrosoftContainerRegistry");
    for (const finding of [acr, mcr]) assert.deepEqual([finding.severity, finding.resourceId], ["error", nsgId]);
    assert.match(acr.fix, /--destination-address-prefixes AzureContainerRegistry\.westeurope .*--destination-port-ranges 443/);
    assert.equal(errors(report).length, 2, JSON.stringify(report.findings, null, 1));
    applyAzFix(planted.sandbox, acr.fix);
    applyAzFix(planted.sandbox, mcr.fix);
    await assertClean();
  });

  it("an online endpoint with public access disabled whose scoring zone is not linked to the agents: error on the endpoint; the link passes", async () => {
    const endpointId = `${planted.ids.workspaceId}/onlineEndpoints/ep-score`;
    put(endpointId, ML, { location: "westeurope", identity: { type: "SystemAssigned" }, properties: { authMode: "Key", publicNetworkAccess: "Disabled" } });
    put(`${endpointId}/deployments/blue`, ML, {
      location: "westeurope",
      sku: { name: "Default", capacity: 1 },
      properties: { endpointComputeType: "Managed", egressPublicNetworkAccess: "Disabled" },
    });
    await assertClean();
    const link = `${planted.ids.zoneId("privatelink.api.azureml.ms")}/virtualNetworkLinks/link-vnet-bastion`;
    planted.sandbox.armClient.delete(link, DNS);
    const report = await check(["ep-score"]);
    const finding = only(report, "inference.online-endpoint:ep-score");
    assert.deepEqual([finding.severity, finding.resourceId], ["error", endpointId]);
    assert.match(finding.fix, /az network private-dns link vnet create .*--virtual-network .*vnet-bastion/);
    put(link, DNS, { location: "global", properties: { virtualNetwork: { id: planted.ids.agentVnetId }, registrationEnabled: false } });
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
    assert.deepEqual([aci.severity, aci.resourceId], ["error", planted.ids.workspaceId]);
    assert.match(aci.message, /managed online endpoint/);
  });

  it("role assignments or the cluster unreadable: a warning naming the permission, never a silent pass", async () => {
    const topology = await readTopology(
      { workspaceId: planted.ids.workspaceId, agentVnetId: planted.ids.agentVnetId, cloud: "AzureCloud" },
      sandboxClientsFor(planted.sandbox),
    );
    const entry = topology.inference?.clusters[0];
    assert.ok(entry?.roleAssignments);
    entry.roleAssignments = undefined;
    entry.roleRead = { status: 403, action: "Microsoft.Authorization/roleAssignments/read", message: "denied" };
    const roles = only(
      await judgeTopology(topology, { workspaceId: planted.ids.workspaceId, agentVnetId: planted.ids.agentVnetId, cloud: "AzureCloud", failOn: "error" }),
      "inference.network-contributor:aks-inference",
    );
    assert.equal(roles.severity, "warning");
    assert.match(roles.message, /'Microsoft\.Authorization\/roleAssignments\/read'.*NOT checked/);
    entry.cluster = undefined;
    entry.clusterRead = { status: 403, action: "Microsoft.ContainerService/managedClusters/read", message: "denied" };
    const cluster = only(
      await judgeTopology(topology, { workspaceId: planted.ids.workspaceId, agentVnetId: planted.ids.agentVnetId, cloud: "AzureCloud", failOn: "error" }),
      "inference.cluster-readable:aks-inference",
    );
    assert.deepEqual([cluster.severity, cluster.resourceId], ["warning", planted.clusterId]);
    assert.equal(errors(await check()).length, 0);
  });
});
