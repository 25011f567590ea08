import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as azdev from "azure-devops-node-api";
import type { ITaskAgentApi } from "azure-devops-node-api/TaskAgentApi";
import { TaskAgentPoolType, TaskAgentStatus } from "azure-devops-node-api/interfaces/TaskAgentInterfaces";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { rawArm, rgId, sandboxClients } from "../helpers/clients";
import { customScript, operationFails } from "../helpers/custom-script";
import { filesUnder } from "../helpers/files";
import { startTestSandbox } from "../helpers/sandbox-harness";

const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq1b4m4c0Nn0w4gk0rJ2kq0n3C5Zs3YbV4C6JdS0f9U amlvnet@test";
const POOL = "aml-private";

/** The bootstrap a provisioner would send: download the agent, configure it unattended with the PAT from the environment, install and start the service. */
function bootstrap(sandbox: RunningSandbox, pat: string, agentName: string, extra = ""): string {
  return [
    "set -euo pipefail",
    'mkdir -p "$HOME/myagent" && cd "$HOME/myagent"',
    `curl -fsS --retry 3 --cacert "$AMLVNET_SANDBOX_CA" -o agent.tar.gz '${sandbox.vmAgent.agentPackageUrl}'`,
    "tar zxf agent.tar.gz",
    `export VSTS_AGENT_INPUT_TOKEN='${pat}'`,
    `sudo -E -u azureuser ./config.sh --unattended --url '${sandbox.env.AZURE_DEVOPS_ORG_URL}' --auth pat --pool ${POOL} --agent ${agentName} --replace --work _work --acceptTeeEula ${extra}`,
    "./svc.sh install azureuser && ./svc.sh start",
  ].join("\n");
}

describe("sandbox: the agent package configures a real agent from a Custom Script extension", () => {
  let sandbox: RunningSandbox;
  let clients: ReturnType<typeof sandboxClients>;
  let agents: ITaskAgentApi;
  let poolId: number;
  let pat: string;
  const vmIds: Record<string, string> = {};
  const rg = "rg-agents";
  const location = "westeurope";
  const requestLog = join(String(process.env.AMLVNET_TEST_STATE_DIR), "vm-agent-devops-requests.jsonl");

  async function createVm(name: string, subnetId: string): Promise<void> {
    const nic = await clients.network.networkInterfaces.beginCreateOrUpdateAndWait(rg, `${name}-nic`, {
      location,
      ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnetId } }],
    });
    const vm = await clients.compute.virtualMachines.createOrUpdate(rg, name, {
      location,
      hardwareProfile: { vmSize: "Standard_D2s_v5" },
      storageProfile: {
        imageReference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
        osDisk: { createOption: "FromImage" },
      },
      osProfile: {
        computerName: name,
        adminUsername: "azureuser",
        linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: SSH_KEY }] } },
      },
      networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
    });
    vmIds[name] = vm.id as string;
  }

  const poolAgents = async () => (await agents.getAgents(poolId)).map((a) => ({ id: a.id, name: a.name, status: a.status, version: a.version }));

  before(async () => {
    sandbox = await startTestSandbox({ lroMs: 0, runExtensions: true, extensionTimeoutMs: 60_000, requestLog });
    clients = sandboxClients(sandbox);
    pat = sandbox.env.AZURE_DEVOPS_EXT_PAT;
    agents = await new azdev.WebApi(sandbox.env.AZURE_DEVOPS_ORG_URL, azdev.getPersonalAccessTokenHandler(pat)).getTaskAgentApi();
    poolId = (await agents.addAgentPool({ name: POOL, poolType: TaskAgentPoolType.Automation })).id as number;
    assert.equal((await rawArm(sandbox, clients.credential, "PUT", `${rgId(sandbox, rg)}?api-version=2024-03-01`, { location })).status, 201);
    const vnet = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, "vnet-agents", {
      location,
      addressSpace: { addressPrefixes: ["10.30.0.0/16"] },
      subnets: [{ name: "snet-agents", addressPrefix: "10.30.1.0/24" }],
    });
    for (const name of ["vm-a", "vm-b", "vm-c"]) await createVm(name, vnet.subnets?.[0].id as string);
  });
  after(() => sandbox.close());

  it("lists the agent package as the service does: download URL, file name and SHA-256", async () => {
    const headers = { Authorization: `Basic ${Buffer.from(`:${pat}`).toString("base64")}`, Accept: "application/json;api-version=7.1-preview.1" };
    type PackageList = { count: number; value: Array<{ downloadUrl: string; filename: string; version: unknown; hashValue: string }> };
    const listed = (await (
      await fetch(`${sandbox.env.AZURE_DEVOPS_ORG_URL}/_apis/distributedtask/packages/agent?platform=linux-x64&$top=1`, { headers })
    ).json()) as PackageList;
    assert.equal(listed.count, 1);
    const [agentPackage] = listed.value;
    assert.deepEqual(
      [agentPackage.downloadUrl, agentPackage.filename, agentPackage.version],
      [sandbox.vmAgent.agentPackageUrl, "vsts-agent-linux-x64-4.258.1.tar.gz", { major: 4, minor: 258, patch: 1 }],
    );
    const bytes = Buffer.from(await (await fetch(agentPackage.downloadUrl)).arrayBuffer());
    assert.equal(createHash("sha256").update(bytes).digest("hex"), agentPackage.hashValue);
  });

  it("downloads the package, configures with the PAT in VSTS_AGENT_INPUT_TOKEN, starts the service: the agent is online", async () => {
    const done = await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
      rg,
      "vm-a",
      "agent",
      customScript({ commandToExecute: bootstrap(sandbox, pat, "agent-1") }),
    );
    assert.equal(done.provisioningState, "Succeeded");
    assert.deepEqual(await poolAgents(), [{ id: 1, name: "agent-1", status: TaskAgentStatus.Online, version: "4.258.1" }]);
    const view = await clients.compute.virtualMachineExtensions.get(rg, "vm-a", "agent", { expand: "instanceView" });
    const stdout = view.instanceView?.substatuses?.[0].message ?? "";
    for (const line of [
      ">> Connect:",
      "Connecting to server ...",
      ">> Register Agent:",
      "Successfully added the agent",
      "Testing agent connection.",
      "Creating launch agent in",
      "active (running)",
    ]) {
      assert.ok(stdout.includes(line), `stdout lacks '${line}':\n${stdout}`);
    }
    assert.match(stdout, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: Settings Saved\./);
  });

  it("keeps the PAT out of every file on the VM, out of the argv of every process the script started and out of the request log (protectedSettings logged redacted)", () => {
    const vmDir = sandbox.vmAgent.vmDirectory(vmIds["vm-a"]);
    const files = filesUnder(vmDir);
    const agentDir = join(vmDir, "root", "myagent");
    for (const name of [".agent", ".credentials", ".credentials_rsaparams", "svc.sh", ".service"])
      assert.ok(files.includes(join(agentDir, name)), `no ${name}`);
    const settings = JSON.parse(readFileSync(join(agentDir, ".agent"), "utf8"));
    assert.deepEqual([settings.agentName, settings.poolName, settings.poolId, settings.workFolder], ["agent-1", POOL, poolId, "_work"]);
    assert.equal(JSON.parse(readFileSync(join(agentDir, ".credentials"), "utf8")).scheme, "OAuth");
    for (const file of files) assert.ok(!readFileSync(file).includes(pat), `${file} holds the PAT`);
    const commands = sandbox.vmAgent.commands(vmIds["vm-a"]);
    assert.ok(
      commands.some((c) => c.argv.includes("--unattended")),
      "config.sh's argv was recorded",
    );
    assert.ok(
      commands.some((c) => c.argv[0] === "curl"),
      "curl's argv was recorded",
    );
    for (const command of commands) assert.ok(!command.argv.join(" ").includes(pat), `argv holds the PAT: ${command.argv.join(" ")}`);
    const bodies = readFileSync(requestLog, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { path: string; body?: string });
    assert.ok(
      bodies.some((r) => r.path.includes("/_apis/distributedtask/pools/") && r.body?.includes("Agent.Version")),
      "the agent registration was logged",
    );
    // The PAT travels only in protectedSettings, which the request log keeps redacted: no logged body holds it.
    assert.ok(!bodies.some((r) => r.body?.includes(pat)), "a logged body holds the PAT");
    const extensionPuts = bodies
      .filter((r) => /\/extensions\/[^/?]+\?/.test(r.path) && r.body)
      .map((r) => JSON.parse(r.body as string) as { properties?: { protectedSettings?: unknown } });
    assert.ok(
      extensionPuts.length > 0 && extensionPuts.every((b) => b.properties?.protectedSettings === "[redacted]"),
      "extension bodies are logged with protectedSettings redacted",
    );
  });

  it("fails the extension with the agent's own error when the PAT is wrong", async () => {
    const message = await operationFails(
      clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
        rg,
        "vm-b",
        "agent",
        customScript({ commandToExecute: bootstrap(sandbox, "not-a-valid-pat", "agent-2") }),
      ),
      "VMExtensionProvisioningError",
    );
    assert.match(message, /command terminated with exit status=1\n/);
    assert.match(message, /\[stderr\]\nVS30063: You are not authorized to access https:\/\/127\.0\.0\.1:\d+\.\n/);
    assert.equal((await clients.compute.virtualMachineExtensions.get(rg, "vm-b", "agent")).provisioningState, "Failed");
    assert.deepEqual(
      (await poolAgents()).map((a) => a.name),
      ["agent-1"],
    );
  });

  it("refuses to configure as root without AGENT_ALLOW_RUNASROOT, as config.sh does", async () => {
    const script = bootstrap(sandbox, pat, "agent-2").replace("sudo -E -u azureuser ./config.sh", "./config.sh");
    const message = await operationFails(
      clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(rg, "vm-b", "agent", customScript({ commandToExecute: script })),
      "VMExtensionProvisioningError",
    );
    assert.match(message, /\[stdout\]\n.*Must not run with sudo\n/s);
  });

  it("replaces the agent rather than duplicating it when another VM configures the same name with --replace", async () => {
    const before = await poolAgents();
    await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
      rg,
      "vm-b",
      "agent",
      customScript({ commandToExecute: bootstrap(sandbox, pat, "agent-1") }),
    );
    const after = await poolAgents();
    assert.deepEqual(after, before, "same agent, same ID, still online");
    const stdout =
      (await clients.compute.virtualMachineExtensions.get(rg, "vm-b", "agent", { expand: "instanceView" })).instanceView?.substatuses?.[0].message ?? "";
    assert.ok(stdout.includes("Successfully replaced the agent"), stdout);
    const noReplace = bootstrap(sandbox, pat, "agent-1").replace(" --replace", "");
    const message = await operationFails(
      clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(rg, "vm-c", "agent", customScript({ commandToExecute: noReplace })),
      "VMExtensionProvisioningError",
    );
    assert.match(message, new RegExp(`\\[stderr\\]\\nPool ${poolId} already contains an agent with name agent-1\\.\\n`));
  });

  it("takes the agent offline with svc.sh stop and deletes it with config.sh remove", async () => {
    const teardown = [
      "set -euo pipefail",
      'cd "$HOME/myagent"',
      "./svc.sh stop",
      "./svc.sh uninstall",
      `VSTS_AGENT_INPUT_TOKEN='${pat}' AGENT_ALLOW_RUNASROOT=1 ./config.sh remove --unattended --auth pat`,
    ].join("\n");
    await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
      rg,
      "vm-b",
      "agent",
      customScript({ commandToExecute: 'cd "$HOME/myagent" && ./svc.sh stop' }),
    );
    assert.deepEqual(
      (await poolAgents()).map((a) => a.status),
      [TaskAgentStatus.Offline],
    );
    await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(rg, "vm-b", "agent", customScript({ commandToExecute: teardown }));
    assert.deepEqual(await poolAgents(), []);
    const stdout =
      (await clients.compute.virtualMachineExtensions.get(rg, "vm-b", "agent", { expand: "instanceView" })).instanceView?.substatuses?.[0].message ?? "";
    assert.ok(stdout.includes("Succeeded: Removing agent from the server"), stdout);
  });

  it("takes a VM's agents offline when the VM is deleted", async () => {
    await clients.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
      rg,
      "vm-c",
      "agent",
      customScript({ commandToExecute: bootstrap(sandbox, pat, "agent-3") }),
    );
    assert.deepEqual(
      (await poolAgents()).map((a) => [a.name, a.status]),
      [["agent-3", TaskAgentStatus.Online]],
    );
    await clients.compute.virtualMachines.delete(rg, "vm-c");
    assert.deepEqual(
      (await poolAgents()).map((a) => [a.name, a.status]),
      [["agent-3", TaskAgentStatus.Offline]],
    );
  });
});
