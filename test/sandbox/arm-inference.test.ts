import assert from "node:assert/strict";
import type { ManagedCluster } from "@azure/arm-containerservice";
import type { AKSSchema } from "@azure/arm-machinelearning";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { referenceNames } from "../../sandbox/scenarios/reference-topology";
import { rawArm, rejectsWithCode, rgId, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7";

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

describe("sandbox: AKS clusters, role assignments, AKS computes and online endpoints through the real SDK clients", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  let n: ReturnType<typeof referenceNames>;
  let rg: string;
  let subnetId: string;
  const raw = (method: string, path: string, body?: unknown) => rawArm(sandbox, clients.credential, method, path, body);
  const cluster = (overrides: Partial<ManagedCluster> = {}): ManagedCluster => ({
    location: "westeurope",
    identity: { type: "SystemAssigned" },
    dnsPrefix: "aksinf",
    agentPoolProfiles: [{ name: "system", count: 2, vmSize: "Standard_D4s_v5", mode: "System", vnetSubnetID: subnetId }],
    networkProfile: { networkPlugin: "azure", serviceCidr: "10.100.0.0/16", dnsServiceIP: "10.100.0.10" },
    ...overrides,
  });

  before(async () => {
    sandbox = await startTestSandbox({ scenario: "reference", lroMs: 0 });
    clients = sandboxClients(sandbox);
    n = referenceNames(sandbox.env.AZURE_SUBSCRIPTION_ID);
    rg = n.resourceGroup;
    await clients.network.subnets.beginCreateOrUpdateAndWait(rg, n.amlVnet, "snet-aks", { addressPrefix: "10.10.8.0/22" });
    subnetId = `${rgId(sandbox, rg)}/providers/Microsoft.Network/virtualNetworks/${n.amlVnet}/subnets/snet-aks`;
  });
  after(() => sandbox.close());

  it("creates a private managed cluster: principalId assigned, agent pool in the subnet, private FQDN and no public FQDN", async () => {
    const created = await clients.containerService.managedClusters.beginCreateOrUpdateAndWait(
      rg,
      "aks-private",
      cluster({ apiServerAccessProfile: { enablePrivateCluster: true } }),
    );
    assert.match(created.identity?.principalId ?? "", GUID);
    assert.equal(created.agentPoolProfiles?.[0].vnetSubnetID, subnetId);
    assert.equal(created.networkProfile?.serviceCidr, "10.100.0.0/16");
    assert.match(created.privateFqdn ?? "", /\.privatelink\.westeurope\.azmk8s\.io$/);
    assert.equal(created.fqdn, undefined);
    assert.equal(created.apiServerAccessProfile?.privateDNSZone, "system");
    const listed = await all(clients.containerService.managedClusters.listByResourceGroup(rg));
    assert.ok(listed.some((c) => c.name === "aks-private"));
  });

  it("refuses a service CIDR overlapping a subnet of the VNet and a DNS service IP outside the service CIDR", async () => {
    const overlap = await rejectsWithCode(
      clients.containerService.managedClusters.beginCreateOrUpdateAndWait(
        rg,
        "aks-bad",
        cluster({ networkProfile: { serviceCidr: "10.10.0.0/16", dnsServiceIP: "10.10.0.10" } }),
      ),
      "ServiceCidrOverlapExistingSubnetsCidr",
    );
    assert.match(overlap.message, /The specified service CIDR 10\.10\.0\.0\/16 is conflicted with an existing subnet CIDR 10\.10\.1\.0\/24/);
    await rejectsWithCode(
      clients.containerService.managedClusters.beginCreateOrUpdateAndWait(
        rg,
        "aks-bad",
        cluster({ networkProfile: { serviceCidr: "10.100.0.0/16", dnsServiceIP: "10.200.0.10" } }),
      ),
      "InvalidParameter",
    );
    const got = await raw("GET", `${rgId(sandbox, rg)}/providers/Microsoft.ContainerService/managedClusters/aks-bad?api-version=2024-05-01`);
    assert.equal(got.status, 404);
  });

  it("role assignments: create at a resource group, list atScope() below it and by principal, refuse duplicates and bad names", async () => {
    const principalId = "11111111-2222-4333-8444-555555555555";
    const scope = rgId(sandbox, rg);
    const [definition] = await all(clients.authorization.roleDefinitions.list(scope, { filter: "roleName eq 'Network Contributor'" }));
    assert.equal(definition.name, NETWORK_CONTRIBUTOR);
    const name = "0b5fe924-9a61-425c-96af-cfe6e287ca2d";
    const created = await clients.authorization.roleAssignments.create(scope, name, {
      roleDefinitionId: definition.id as string,
      principalId,
      principalType: "ServicePrincipal",
    });
    assert.equal(created.scope, scope);
    const vnetScope = `${scope}/providers/Microsoft.Network/virtualNetworks/${n.amlVnet}`;
    const atVnet = await all(clients.authorization.roleAssignments.listForScope(vnetScope, { filter: "atScope()" }));
    assert.ok(atVnet.some((a) => a.principalId === principalId && a.roleDefinitionId?.endsWith(NETWORK_CONTRIBUTOR)));
    const byPrincipal = await all(
      clients.authorization.roleAssignments.listForScope(`/subscriptions/${n.subscriptionId}`, { filter: `principalId eq '${principalId}'` }),
    );
    assert.deepEqual(
      byPrincipal.map((a) => a.name),
      [name],
    );
    await rejectsWithCode(
      clients.authorization.roleAssignments.create(scope, "9c4b2f7e-1111-4222-8333-444455556666", { roleDefinitionId: definition.id as string, principalId }),
      "RoleAssignmentExists",
    );
    await rejectsWithCode(
      clients.authorization.roleAssignments.create(scope, "not-a-guid", { roleDefinitionId: definition.id as string, principalId }),
      "InvalidRoleAssignmentId",
    );
    await rejectsWithCode(
      clients.authorization.roleAssignments.create(scope, "9c4b2f7e-1111-4222-8333-444455556667", {
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-4000-8000-000000000000`,
        principalId,
      }),
      "RoleDefinitionDoesNotExist",
    );
    await clients.authorization.roleAssignments.delete(scope, name);
    assert.deepEqual(await all(clients.authorization.roleAssignments.listForScope(vnetScope, { filter: `principalId eq '${principalId}'` })), []);
  });

  it("a role assignment stored here grants its principal access; Reader cannot write role assignments", async () => {
    const app = sandbox.directory.addApp("late-reader", "2c1b0a99-1111-4222-8333-444455556666", "2c1b0a99-9999-4222-8333-444455556666", []);
    const scope = rgId(sandbox, rg);
    const readerId = `/subscriptions/${n.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
    await clients.authorization.roleAssignments.create(scope, "5d2e1f00-1111-4222-8333-444455556666", {
      roleDefinitionId: readerId,
      principalId: app.objectId,
    });
    const { ClientSecretCredential } = await import("@azure/identity");
    const credential = new ClientSecretCredential(sandbox.env.AZURE_TENANT_ID, app.clientId, app.secrets[0].value, {
      authorityHost: sandbox.env.AZURE_AUTHORITY_HOST,
      disableInstanceDiscovery: true,
    });
    const token = await credential.getToken("https://management.azure.com/.default");
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${sandbox.origin}${path}`, {
        method,
        headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    assert.equal((await call("GET", `${scope}/providers/Microsoft.Network/virtualNetworks/${n.amlVnet}?api-version=2024-07-01`)).status, 200);
    const denied = await call("PUT", `${scope}/providers/Microsoft.Authorization/roleAssignments/6e3f2a11-1111-4222-8333-444455556666?api-version=2022-04-01`, {
      properties: { roleDefinitionId: readerId, principalId: app.objectId },
    });
    assert.equal(denied.status, 403);
    assert.equal(((await denied.json()) as { error: { code: string } }).error.code, "AuthorizationFailed");
  });

  it("attaches the cluster as an AKS compute (isAttachedCompute, its region, networking settings) and refuses a missing cluster", async () => {
    const resourceId = `${rgId(sandbox, rg)}/providers/Microsoft.ContainerService/managedClusters/aks-private`;
    const compute = await clients.machineLearning.computeOperations.beginCreateOrUpdateAndWait(rg, n.workspace, "aks-inference", {
      location: "westeurope",
      properties: {
        computeType: "AKS",
        resourceId,
        properties: { clusterPurpose: "DevTest", loadBalancerType: "InternalLoadBalancer", loadBalancerSubnet: "snet-aks" },
      },
    });
    const props = compute.properties as AKSSchema & { isAttachedCompute?: boolean; computeLocation?: string; resourceId?: string };
    assert.equal(props.isAttachedCompute, true);
    assert.equal(props.computeLocation, "westeurope");
    assert.equal(props.properties?.loadBalancerType, "InternalLoadBalancer");
    assert.equal(props.properties?.agentCount, 2);
    await rejectsWithCode(
      clients.machineLearning.computeOperations.beginCreateOrUpdateAndWait(rg, n.workspace, "aks-missing", {
        location: "westeurope",
        properties: { computeType: "AKS", resourceId: `${resourceId}-nope` },
      }),
      "UserError",
    );
  });

  it("online endpoints keep publicNetworkAccess and a scoring URI; deployments keep egressPublicNetworkAccess", async () => {
    const endpoint = await clients.machineLearning.onlineEndpoints.beginCreateOrUpdateAndWait(rg, n.workspace, "ep-private", {
      location: "westeurope",
      identity: { type: "SystemAssigned" },
      properties: { authMode: "Key", publicNetworkAccess: "Disabled" },
    });
    assert.equal(endpoint.properties.publicNetworkAccess, "Disabled");
    assert.equal(endpoint.properties.scoringUri, "https://ep-private.westeurope.inference.ml.azure.com/score");
    const deployment = await clients.machineLearning.onlineDeployments.beginCreateOrUpdateAndWait(rg, n.workspace, "ep-private", "blue", {
      location: "westeurope",
      properties: { endpointComputeType: "Managed", egressPublicNetworkAccess: "Disabled", instanceType: "Standard_DS3_v2" },
    });
    assert.equal(deployment.properties.egressPublicNetworkAccess, "Disabled");
    const listed = await all(clients.machineLearning.onlineDeployments.list(rg, n.workspace, "ep-private"));
    assert.deepEqual(
      listed.map((d) => d.name),
      ["blue"],
    );
  });
});
