import assert from "node:assert/strict";
import { request } from "node:https";
import * as azdev from "azure-devops-node-api";
import type { ITaskAgentApi } from "azure-devops-node-api/TaskAgentApi";
import { DeploymentFlags } from "azure-devops-node-api/interfaces/common/VSSInterfaces";
import { TaskAgentPoolActionFilter, TaskAgentPoolOptions, TaskAgentPoolType, TaskAgentStatus } from "azure-devops-node-api/interfaces/TaskAgentInterfaces";
import { rejection } from "../helpers/devops-rejection";
import { startTestSandbox } from "../helpers/sandbox-harness";

type Sandbox = Awaited<ReturnType<typeof startTestSandbox>>;
function connection(sandbox: Sandbox, token: string): azdev.WebApi {
  return new azdev.WebApi(sandbox.env.AZURE_DEVOPS_ORG_URL, azdev.getPersonalAccessTokenHandler(token));
}

interface RawOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/**
 * Raw REST for what the library has no method for (elastic pools), authenticated as `az devops` does; the JSON is
 * `any` because each test reads a different response shape and asserts the fields it uses.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
function rest(sandbox: Sandbox, method: string, path: string, options: RawOptions = {}): Promise<{ status: number; contentType: string; json: any }> {
  const url = new URL(`${sandbox.env.AZURE_DEVOPS_ORG_URL}/${path}`);
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const token = options.token ?? sandbox.env.AZURE_DEVOPS_EXT_PAT;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from(`:${token}`).toString("base64")}`,
        Accept: "application/json",
        "X-TFS-FedAuthRedirect": "Suppress",
        ...(payload ? { "Content-Type": "application/json", "Content-Length": String(payload.length) } : {}),
        ...options.headers,
      },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const contentType = String(res.headers["content-type"] ?? "");
        resolve({ status: res.statusCode ?? 0, contentType, json: text && contentType.startsWith("application/json") ? JSON.parse(text) : text });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

const publicKey = { exponent: [1, 0, 1], modulus: Array.from({ length: 256 }, (_, i) => (i * 7 + 3) % 256) };

describe("sandbox Azure DevOps REST (through azure-devops-node-api)", function () {
  let sandbox: Sandbox;
  let agentApi: ITaskAgentApi;

  before(async function () {
    sandbox = await startTestSandbox({ scenario: "empty" });
    agentApi = await connection(sandbox, sandbox.env.AZURE_DEVOPS_EXT_PAT).getTaskAgentApi();
  });

  after(async function () {
    await sandbox?.close();
  });

  it("answers connectionData with the PAT's user, and the location/resource-area discovery the library performs", async function () {
    const webApi = connection(sandbox, sandbox.env.AZURE_DEVOPS_EXT_PAT);
    const data = await (await webApi.getLocationsApi()).getConnectionData();
    assert.equal(data.authenticatedUser?.providerDisplayName, sandbox.directory.defaultPat.userName);
    assert.equal(data.instanceId, sandbox.directory.devopsOrganizationId);
    assert.equal(data.deploymentType, DeploymentFlags.Hosted);
    const areas = await (await webApi.getLocationsApi()).getResourceAreas();
    assert.ok(areas.some((area) => area.name === "distributedtask" && area.locationUrl === `${sandbox.env.AZURE_DEVOPS_ORG_URL}/`));
  });

  it("lists the pools a new organization has", async function () {
    const pools = await agentApi.getAgentPools();
    assert.deepEqual(
      pools.map((pool) => pool.name),
      ["Default", "Azure Pipelines"],
    );
    assert.equal(pools[1].isHosted, true);
    assert.equal(pools[0].poolType, TaskAgentPoolType.Automation);
  });

  it("creates, gets, filters, updates and deletes an agent pool", async function () {
    const created = await agentApi.addAgentPool({ name: "aml-private", poolType: TaskAgentPoolType.Automation, autoProvision: false });
    assert.ok(created.id && created.id > 9);
    assert.equal(created.poolType, TaskAgentPoolType.Automation);
    assert.equal(created.options, TaskAgentPoolOptions.None);
    assert.ok(created.createdOn instanceof Date);
    assert.equal(created.createdBy?.uniqueName, sandbox.directory.defaultPat.userName);

    const byName = await agentApi.getAgentPools("AML-PRIVATE");
    assert.deepEqual(
      byName.map((pool) => pool.id),
      [created.id],
    );
    assert.deepEqual(await agentApi.getAgentPools("nope"), []);
    assert.equal((await agentApi.getAgentPools(undefined, undefined, TaskAgentPoolType.Deployment)).length, 0);
    assert.equal((await agentApi.getAgentPools(undefined, undefined, undefined, TaskAgentPoolActionFilter.Manage)).length, 3);
    assert.equal((await agentApi.getAgentPool(created.id))?.name, "aml-private");

    const updated = await agentApi.updateAgentPool({ autoProvision: true }, created.id);
    assert.equal(updated.autoProvision, true);
    assert.equal(updated.name, "aml-private");

    const duplicate = await rejection(agentApi.addAgentPool({ name: "aml-private" }));
    assert.equal(duplicate.statusCode, 409);

    await agentApi.deleteAgentPool(created.id);
    // typed-rest-client resolves a 404 GET to null.
    assert.equal(await agentApi.getAgentPool(created.id), null);
    const raw = await rest(sandbox, "GET", `_apis/distributedtask/pools/${created.id}?api-version=7.1`);
    assert.equal(raw.status, 404);
    assert.equal(raw.json.typeKey, "TaskAgentPoolNotFoundException");
    assert.equal(raw.json.$id, "1");
    assert.equal(raw.json.eventId, 3000);
  });

  it("registers agents offline, reports them online once the state says so, and filters them", async function () {
    const pool = await agentApi.addAgentPool({ name: "agents-pool" });
    const agent = await agentApi.addAgent(
      {
        name: "vm-agent-1",
        version: "4.248.0",
        oSDescription: "Linux 5.15",
        maxParallelism: 1,
        authorization: { publicKey },
        systemCapabilities: { "Agent.OS": "Linux" },
      },
      pool.id!,
    );
    assert.equal(agent.status, TaskAgentStatus.Offline);
    assert.equal(agent.enabled, true);
    assert.equal(agent.version, "4.248.0");
    assert.ok(agent.createdOn instanceof Date);
    assert.equal(Buffer.from(agent.authorization!.publicKey!.modulus as unknown as string, "base64").length, 256);

    sandbox.devops.setAgentStatus(pool.id!, agent.id!, "online");
    const listed = await agentApi.getAgents(pool.id!, "VM-AGENT-1");
    assert.equal(listed.length, 1);
    assert.equal(listed[0].status, TaskAgentStatus.Online);
    assert.equal(listed[0].systemCapabilities, undefined);
    const withCapabilities = await agentApi.getAgents(pool.id!, undefined, true);
    assert.equal(withCapabilities[0].systemCapabilities?.["Agent.OS"], "Linux");
    assert.equal((await agentApi.getAgents(pool.id!, undefined, false, false, false, undefined, ["Agent.OS -equals Windows_NT"])).length, 0);
    assert.equal((await agentApi.getAgentPool(pool.id!))?.size, 1);

    const again = await rejection(agentApi.addAgent({ name: "vm-agent-1", authorization: { publicKey } }, pool.id!));
    assert.equal(again.statusCode, 409);
    assert.equal(again.result?.typeKey, "TaskAgentExistsException");

    const replaced = await agentApi.replaceAgent({ name: "vm-agent-1", version: "4.250.0", authorization: { publicKey } }, pool.id!, agent.id!);
    assert.equal(replaced.id, agent.id);
    assert.equal(replaced.version, "4.250.0");
    const disabled = await agentApi.updateAgent({ enabled: false }, pool.id!, agent.id!);
    assert.equal(disabled.enabled, false);
    assert.equal((await agentApi.getAgent(pool.id!, agent.id!))?.enabled, false);

    await agentApi.deleteAgent(pool.id!, agent.id!);
    assert.deepEqual(await agentApi.getAgents(pool.id!), []);
    const missing = await rest(sandbox, "GET", `_apis/distributedtask/pools/${pool.id}/agents/${agent.id}?api-version=7.1`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.typeKey, "TaskAgentNotFoundException");
    await agentApi.deleteAgentPool(pool.id!);
  });

  it("rejects a wrong PAT with 401 and a Basic challenge", async function () {
    const wrong = "x".repeat(52);
    const error = await rejection(
      connection(sandbox, wrong)
        .getTaskAgentApi()
        .then((api) => api.getAgentPools()),
    );
    assert.equal(error.statusCode, 401);
    assert.match(String(error.responseHeaders?.["www-authenticate"]), /Basic realm=/);
    assert.ok(!error.message.includes(wrong));
    const raw = await rest(sandbox, "GET", "_apis/distributedtask/pools", { token: wrong });
    assert.equal(raw.status, 401);
    assert.equal(raw.json.typeKey, "UnauthorizedRequestException");
    // Without X-TFS-FedAuthRedirect: Suppress the service answers 203 with its HTML sign-in page instead.
    const browserLike = await rest(sandbox, "GET", "_apis/distributedtask/pools", { token: wrong, headers: { "X-TFS-FedAuthRedirect": "" } });
    assert.equal(browserLike.status, 203);
    assert.match(browserLike.contentType, /^text\/html/);
  });

  it("lets a read-only agent pools PAT read but not create (403), and a PAT without the scope do neither", async function () {
    const reader = sandbox.directory.addPat(["vso.agentpools"], "reader@example.com");
    const readerApi = await connection(sandbox, reader.token).getTaskAgentApi();
    assert.ok((await readerApi.getAgentPools()).length >= 2);
    assert.deepEqual(await readerApi.getAgentPools(undefined, undefined, undefined, TaskAgentPoolActionFilter.Manage), []);
    const denied = await rejection(readerApi.addAgentPool({ name: "not-allowed" }));
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.result?.typeKey, "AccessDeniedException");
    assert.match(denied.message, /needs Manage permissions/);

    const other = sandbox.directory.addPat(["vso.project"], "other@example.com");
    const otherError = await rejection(
      connection(sandbox, other.token)
        .getTaskAgentApi()
        .then((api) => api.getAgentPools()),
    );
    assert.equal(otherError.statusCode, 403);
  });

  it("creates an elastic pool for a scale set (raw REST 7.1-preview.1) that then shows up as an agent pool", async function () {
    const sub = sandbox.directory.subscriptionId;
    const settings = {
      serviceEndpointId: "0f3c2a44-8c3a-4c7b-9a34-7d2f0e1b5a10",
      serviceEndpointScope: "5a0b8c7e-2f1d-4e3a-9b6c-1d2e3f4a5b6c",
      azureId: `/subscriptions/${sub}/resourceGroups/rg-agents/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-agents`,
      maxCapacity: 4,
      desiredIdle: 1,
      recycleAfterEachUse: true,
      maxSavedNodeCount: 0,
      osType: "linux",
      timeToLiveMinutes: 30,
    };
    const created = await rest(
      sandbox,
      "POST",
      "_apis/distributedtask/elasticpools?poolName=vmss-pool&authorizeAllPipelines=true&autoProvisionProjectPools=false&api-version=7.1-preview.1",
      { body: settings },
    );
    assert.equal(created.status, 200);
    assert.equal(created.json.agentPool.name, "vmss-pool");
    assert.equal(created.json.agentQueue, null);
    assert.equal(created.json.elasticPool.poolId, created.json.agentPool.id);
    assert.equal(created.json.elasticPool.azureId, settings.azureId);
    assert.equal(created.json.elasticPool.osType, "linux");
    assert.equal(created.json.elasticPool.state, "new");

    const pools = await agentApi.getAgentPools("vmss-pool");
    assert.equal(pools.length, 1);
    assert.equal(pools[0].options, TaskAgentPoolOptions.ElasticPool | TaskAgentPoolOptions.SingleUseAgents);

    const list = await rest(sandbox, "GET", "_apis/distributedtask/elasticpools?api-version=7.1-preview.1");
    assert.deepEqual(
      list.json.value.map((pool: { poolId: number }) => pool.poolId),
      [created.json.agentPool.id],
    );
    const patched = await rest(sandbox, "PATCH", `_apis/distributedtask/elasticpools/${created.json.agentPool.id}?api-version=7.1-preview.1`, {
      body: { maxCapacity: 8 },
    });
    assert.equal(patched.json.maxCapacity, 8);
    assert.equal((await rest(sandbox, "GET", `_apis/distributedtask/elasticpools/${created.json.agentPool.id}?api-version=7.1-preview.1`)).json.maxCapacity, 8);

    const withQueue = await rest(
      sandbox,
      "POST",
      "_apis/distributedtask/elasticpools?poolName=vmss-pool-2&projectId=5a0b8c7e-2f1d-4e3a-9b6c-1d2e3f4a5b6c&api-version=7.1-preview.1",
      { body: settings },
    );
    assert.equal(withQueue.json.agentQueue.pool.id, withQueue.json.agentPool.id);
    const bad = await rest(sandbox, "POST", "_apis/distributedtask/elasticpools?poolName=bad&api-version=7.1-preview.1", {
      body: { ...settings, azureId: "not-a-scale-set" },
    });
    assert.equal(bad.status, 400);
    const noVersion = await rest(sandbox, "POST", "_apis/distributedtask/elasticpools?poolName=nover", { body: settings });
    assert.equal(noVersion.status, 400);
    assert.equal(noVersion.json.typeKey, "VssVersionNotSpecifiedException");
  });
});
