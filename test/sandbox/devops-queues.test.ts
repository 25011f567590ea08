import assert from "node:assert/strict";
import * as azdev from "azure-devops-node-api";
import type { ITaskAgentApi } from "azure-devops-node-api/TaskAgentApi";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rejection } from "../helpers/devops-rejection";
import { startTestSandbox } from "../helpers/sandbox-harness";

describe("sandbox Azure DevOps: projects and project agent queues", () => {
  let sandbox: RunningSandbox;
  let api: ITaskAgentApi;
  let poolId: number;
  const raw = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.env.AZURE_DEVOPS_ORG_URL}/${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`:${sandbox.env.AZURE_DEVOPS_EXT_PAT}`).toString("base64")}`,
        accept: "application/json",
        "content-type": "application/json",
        "X-TFS-FedAuthRedirect": "Suppress",
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };

  before(async () => {
    sandbox = await startTestSandbox();
    sandbox.devops.addProject("ml prod");
    api = await new azdev.WebApi(sandbox.env.AZURE_DEVOPS_ORG_URL, azdev.getPersonalAccessTokenHandler(sandbox.env.AZURE_DEVOPS_EXT_PAT)).getTaskAgentApi();
    poolId = (await api.addAgentPool({ name: "aml-private", autoProvision: false })).id as number;
  });
  after(() => sandbox.close());

  it("lists projects and reads one by name or ID (TeamProjectReference shape)", async () => {
    const list = await raw("GET", "_apis/projects?api-version=7.1");
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.json.value.map((p: { name: string }) => p.name),
      ["ml prod", "sandbox-project"],
    );
    const byName = await raw("GET", "_apis/projects/SANDBOX-PROJECT?api-version=7.1");
    assert.equal(byName.status, 200);
    assert.deepEqual([byName.json.state, byName.json.visibility, typeof byName.json.revision], ["wellFormed", "private", "number"]);
    const byId = await raw("GET", `_apis/projects/${byName.json.id}?api-version=7.1`);
    assert.equal(byId.json.name, "sandbox-project");
  });

  it("answers an unknown project with 404 ProjectDoesNotExistWithNameException (TF200016), on _apis/projects and on project routes", async () => {
    const missing = await raw("GET", "_apis/projects/nope?api-version=7.1");
    assert.equal(missing.status, 404);
    assert.equal(missing.json.typeKey, "ProjectDoesNotExistWithNameException");
    assert.match(missing.json.message, /^TF200016: The following project does not exist: nope\./);
    const queue = await raw("POST", "nope/_apis/distributedtask/queues?api-version=7.1", { name: "x", pool: { id: poolId } });
    assert.equal(queue.status, 404);
    assert.equal(queue.json.typeKey, "ProjectDoesNotExistWithNameException");
  });

  it("adds the pool to a project through TaskAgentApi.addAgentQueue, lists it by pool, name and ID, and deletes it", async () => {
    const added = await api.addAgentQueue({ name: "aml-private", pool: { id: poolId } }, "ml prod", true);
    const project = sandbox.devops.findProject("ml prod");
    assert.deepEqual([added.name, added.pool?.id, added.pool?.name, added.projectId], ["aml-private", poolId, "aml-private", project?.id]);
    assert.equal(sandbox.devops.queues.get(added.id as number)?.authorizedForAllPipelines, true);
    assert.deepEqual(
      (await api.getAgentQueuesForPools([poolId], "ml prod")).map((q) => q.id),
      [added.id],
    );
    assert.deepEqual(
      (await api.getAgentQueues("ml prod", "AML-PRIVATE")).map((q) => q.id),
      [added.id],
    );
    assert.deepEqual(
      (await api.getAgentQueuesByNames(["aml-private"], project?.id)).map((q) => q.id),
      [added.id],
    );
    assert.deepEqual(await api.getAgentQueuesForPools([poolId], "sandbox-project"), []);
    const unnamed = await api.addAgentQueue({ pool: { id: poolId } }, "sandbox-project", false);
    assert.equal(unnamed.name, "aml-private", "a queue without a name is named after its pool");
    assert.equal(sandbox.devops.queues.get(unnamed.id as number)?.authorizedForAllPipelines, false);
    await api.deleteAgentQueue(added.id as number, "ml prod");
    assert.deepEqual(await api.getAgentQueuesForPools([poolId], "ml prod"), []);
  });

  it("serves the queue's pipeline permissions (allPipelines) and lets them be granted with PATCH", async () => {
    const queue = await api.addAgentQueue({ name: "perm", pool: { id: poolId } }, "ml prod", false);
    const path = `ml%20prod/_apis/pipelines/pipelinePermissions/queue/${queue.id}?api-version=7.1-preview.1`;
    const before = await raw("GET", path);
    assert.equal(before.status, 200);
    assert.deepEqual([before.json.resource, before.json.allPipelines, before.json.pipelines], [{ type: "queue", id: String(queue.id), name: null }, null, []]);
    const granted = await raw("PATCH", path, { allPipelines: { authorized: true } });
    assert.equal(granted.status, 200);
    assert.equal(granted.json.allPipelines.authorized, true);
    assert.equal(granted.json.allPipelines.authorizedBy.uniqueName, "sandbox-user@example.com");
    assert.equal((await raw("GET", path)).json.allPipelines.authorized, true);
    const released = await raw("GET", path.replace("7.1-preview.1", "7.1"));
    assert.equal(released.status, 400, "a preview-only API needs -preview");
    const other = await raw("GET", `sandbox-project/_apis/pipelines/pipelinePermissions/queue/${queue.id}?api-version=7.1-preview.1`);
    assert.equal(other.status, 404, "the queue belongs to another project");
    await api.deleteAgentQueue(queue.id as number, "ml prod");
  });

  it("refuses a second queue of the same name in a project (409 TaskAgentQueueExistsException) and an unknown queue (404)", async () => {
    const error = await rejection(api.addAgentQueue({ name: "aml-private", pool: { id: poolId } }, "sandbox-project"));
    assert.equal(error.statusCode, 409);
    assert.equal(error.result?.typeKey, "TaskAgentQueueExistsException");
    const gone = await raw("DELETE", "sandbox-project/_apis/distributedtask/queues/999?api-version=7.1");
    assert.equal(gone.status, 404);
    assert.equal(gone.json.typeKey, "TaskAgentQueueNotFoundException");
    const noPool = await raw("POST", "sandbox-project/_apis/distributedtask/queues?api-version=7.1", { name: "other", pool: { id: 4242 } });
    assert.equal(noPool.status, 404);
    assert.equal(noPool.json.typeKey, "TaskAgentPoolNotFoundException");
  });

  it("deleting the pool deletes its queues", async () => {
    await api.deleteAgentPool(poolId);
    assert.equal([...sandbox.devops.queues.values()].filter((q) => q.poolId === poolId).length, 0);
  });
});
