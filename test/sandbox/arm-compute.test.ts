import assert from "node:assert/strict";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm, rgId, sandboxClients } from "../helpers/clients";
import { startTestSandbox } from "../helpers/sandbox-harness";

describe("scratch compute", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  before(async () => {
    sandbox = await startTestSandbox({ lroMs: 0 });
    clients = sandboxClients(sandbox);
    await rawArm(sandbox, clients.credential, "PUT", `${rgId(sandbox, "rg")}?api-version=2024-03-01`, { location: "westeurope" });
  });
  after(() => sandbox.close());
  it("disk get", async () => {
    await clients.compute.disks.createOrUpdate("rg", "d1", { location: "westeurope", creationData: { createOption: "Empty" }, diskSizeGB: 4 } as never);
    const d = await clients.compute.disks.get("rg", "d1");
    assert.ok(d);
  });
});
