import assert from "node:assert/strict";
import { createServer, Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { amlvnet, offAzureEnv } from "../helpers/cli";
import { type ReferenceIds, startReferenceSandbox } from "../readiness/helpers";

describe("amlvnet check (the command, as a user runs it with the sandbox's env)", () => {
  let sandbox: RunningSandbox;
  let ids: ReferenceIds;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    ({ sandbox, ids } = await startReferenceSandbox());
    dir = mkdtempSync(join(tmpdir(), "amlvnet-check-"));
    env = offAzureEnv(sandbox);
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("exits 0 with a JSON report saying ready on the reference scenario", async () => {
    const run = await amlvnet(["check", "--workspace", ids.workspaceId, "--agent-vnet", ids.agentVnetId, "--format", "json"], env);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual([report.ready, report.findings, report.summary.errors], [true, [], 0]);
    assert.ok(report.summary.checks > 40);
  });

  it("writes JUnit to --output, prints the verdict, and exits 1 when a planted fault makes it not ready", async () => {
    sandbox.armClient.delete(`${ids.zoneId("privatelink.azurecr.io")}/virtualNetworkLinks/link-vnet-bastion`, "2024-06-01");
    try {
      const output = join(dir, "report.xml");
      const run = await amlvnet(["check", "--workspace", ids.workspaceId, "--agent-vnet", ids.agentVnetId, "--format", "junit", "--output", output], env);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /^NOT READY: 1 error, 0 warnings/);
      const xml = readFileSync(output, "utf8");
      assert.match(xml, /<testcase [^>]*name="privatelink\.azurecr\.io is linked to agent VNet vnet-bastion"[^>]*>\s*<failure/);
    } finally {
      sandbox.armClient.put(`${ids.zoneId("privatelink.azurecr.io")}/virtualNetworkLinks/link-vnet-bastion`, "2024-06-01", {
        location: "global",
        properties: { virtualNetwork: { id: ids.agentVnetId } },
      });
    }
  });

  it("applies --fail-on to warnings", async () => {
    const ws = sandbox.armClient.get(ids.workspaceId, "2024-04-01") as { location: string; properties: Record<string, unknown> };
    sandbox.armClient.put(ids.workspaceId, "2024-04-01", { location: ws.location, properties: { ...ws.properties, publicNetworkAccess: "Enabled" } });
    try {
      const base = ["check", "--workspace", ids.workspaceId, "--agent-vnet", ids.agentVnetId, "--format", "markdown"];
      assert.equal((await amlvnet(base, env)).code, 0);
      const strict = await amlvnet([...base, "--fail-on", "warning"], env);
      assert.equal(strict.code, 1);
      assert.match(strict.stdout, /\| ⚠️ warning \| Workspace \| `workspaces\/mlw-secure`/);
      assert.equal((await amlvnet([...base, "--fail-on", "never"], env)).code, 0);
    } finally {
      sandbox.armClient.put(ids.workspaceId, "2024-04-01", { location: ws.location, properties: { ...ws.properties, publicNetworkAccess: "Disabled" } });
    }
  });

  it("finds the agent VNet through the instance metadata service when --agent-vnet is not given", async () => {
    const rg = ids.rg;
    const nic = `${rg}/providers/Microsoft.Network/networkInterfaces/nic-agent-1`;
    sandbox.armClient.put(nic, "2024-07-01", {
      location: "westeurope",
      properties: { ipConfigurations: [{ name: "ipconfig1", properties: { subnet: { id: `${ids.agentVnetId}/subnets/snet-agents` } } }] },
    });
    const vm = `${rg}/providers/Microsoft.Compute/virtualMachines/vm-agent-1`;
    sandbox.armClient.put(vm, "2024-11-01", {
      location: "westeurope",
      properties: {
        hardwareProfile: { vmSize: "Standard_D2s_v5" },
        osProfile: {
          adminUsername: "azureuser",
          linuxConfiguration: { ssh: { publicKeys: [{ keyData: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB5sandboxkey agent" }] } },
        },
        networkProfile: { networkInterfaces: [{ id: nic }] },
      },
    });
    const imds: Server = createServer((req, res) => {
      assert.equal(req.headers.metadata, "true");
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ compute: { resourceId: vm, location: "westeurope" } }));
    });
    await new Promise<void>((r) => imds.listen(0, "127.0.0.1", r));
    try {
      const run = await amlvnet(["check", "--workspace", ids.workspaceId, "--format", "json"], {
        ...env,
        AMLVNET_IMDS_ENDPOINT: `http://127.0.0.1:${(imds.address() as AddressInfo).port}`,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(JSON.parse(run.stdout).agentVnetId.toLowerCase(), ids.agentVnetId.toLowerCase());
    } finally {
      imds.close();
    }
  });

  it("says --agent-vnet is needed off Azure, with exit code 2", async () => {
    const run = await amlvnet(["check", "--workspace", ids.workspaceId], env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^amlvnet: --agent-vnet is needed: this machine is not an Azure VM/);
  });

  it("refuses a malformed workspace ID, a wrong secret and a missing permission with one line and exit code 2", async () => {
    const bad = await amlvnet(["check", "--workspace", "/subscriptions/x/workspaces/mlw", "--agent-vnet", ids.agentVnetId], env);
    assert.deepEqual([bad.code, bad.stderr.trim().split("\n").length], [2, 1]);
    assert.match(bad.stderr, /--workspace '\/subscriptions\/x\/workspaces\/mlw' is not a Microsoft\.MachineLearningServices\/workspaces resource ID/);

    const wrongSecret = await amlvnet(["check", "--workspace", ids.workspaceId, "--agent-vnet", ids.agentVnetId], { ...env, AZURE_CLIENT_SECRET: "wrong" });
    assert.equal(wrongSecret.code, 2);
    assert.match(wrongSecret.stderr, /AADSTS7000215.*Check AZURE_CLIENT_SECRET/);
    assert.ok(!wrongSecret.stderr.includes(sandbox.env.AZURE_CLIENT_SECRET));

    const reader = sandbox.directory.addApp("reader-elsewhere", "0d4c3b2a-1111-4222-8333-444455556666", "0d4c3b2a-9999-4222-8333-444455556666", [
      { scope: `/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-other`, role: "Reader" },
    ]);
    const denied = await amlvnet(["check", "--workspace", ids.workspaceId, "--agent-vnet", ids.agentVnetId], {
      ...env,
      AZURE_CLIENT_ID: reader.clientId,
      AZURE_CLIENT_SECRET: reader.secrets[0].value,
    });
    assert.equal(denied.code, 2);
    assert.match(denied.stderr, /lacks 'Microsoft\.MachineLearningServices\/workspaces\/read'; grant it the Reader role/);
  });
});
