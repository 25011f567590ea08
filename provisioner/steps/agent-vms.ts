import type { VirtualMachine } from "@azure/arm-compute";
import type { NetworkInterface } from "@azure/arm-network";
import { mapSettledLimited, valuesOrThrow } from "../concurrency";
import type { ProvisionContext } from "../context";
import { isOwned, tagsSatisfied } from "../ownership";
import { act, attempt, getOrUndefined, listOrEmpty, listOrRecordFailure, sameId, Step } from "./step";

function vmBody(ctx: ProvisionContext, vmName: string): VirtualMachine {
  const { config } = ctx;
  return {
    location: config.location,
    tags: ctx.tags,
    identity: { type: "SystemAssigned" },
    hardwareProfile: { vmSize: config.vm.size },
    storageProfile: {
      imageReference: { ...config.vm.image },
      osDisk: { createOption: "FromImage", deleteOption: "Delete", caching: "ReadWrite", managedDisk: { storageAccountType: config.vm.osDiskType } },
    },
    osProfile: {
      computerName: vmName,
      adminUsername: config.vm.adminUser,
      linuxConfiguration: {
        disablePasswordAuthentication: true,
        ssh: { publicKeys: [{ path: `/home/${config.vm.adminUser}/.ssh/authorized_keys`, keyData: config.vm.sshPublicKey }] },
        provisionVMAgent: true,
      },
    },
    networkProfile: { networkInterfaces: [{ id: ctx.ids.nicId(vmName), primary: true, deleteOption: "Delete" }] },
    // Managed boot diagnostics: the serial console is where cloud-init prints the SSH host keys (bootstrap: ssh
    // pins them from there) and where a VM that does not come up says why.
    diagnosticsProfile: { bootDiagnostics: { enabled: true } },
  };
}

/** The NIC: in the agent subnet, no public IP (the agents are reached only through the VNet). */
async function ensureNic(ctx: ProvisionContext, vmName: string): Promise<void> {
  const { config, clients, ids } = ctx;
  const name = ids.nicName(vmName);
  const existing = await getOrUndefined(() => clients.network.networkInterfaces.get(config.resourceGroup, name), `NIC ${name}`);
  const ipConfig = existing?.ipConfigurations?.[0];
  const drift = [
    existing && !sameId(ipConfig?.subnet?.id, ids.subnetId) ? "subnet" : "",
    ipConfig?.publicIPAddress ? "remove public IP" : "",
    existing && !tagsSatisfied(existing.tags, ctx.tags) ? "tags" : "",
  ].filter(Boolean);
  const change = { step: "agent-vms", kind: "network interface", name, id: ids.nicId(vmName) };
  if (existing && drift.length === 0) return act(ctx, { ...change, action: "no-op" }, async () => undefined);
  const body: NetworkInterface = {
    location: config.location,
    tags: { ...existing?.tags, ...ctx.tags },
    ipConfigurations: [{ name: ipConfig?.name ?? "ipconfig1", primary: true, privateIPAllocationMethod: "Dynamic", subnet: { id: ids.subnetId } }],
  };
  await act(ctx, { ...change, action: existing ? "update" : "create", detail: existing ? drift.join(", ") : "no public IP" }, () =>
    clients.network.networkInterfaces.beginCreateOrUpdateAndWait(config.resourceGroup, name, body, { abortSignal: ctx.signal }),
  );
}

/** The VM: Linux, SSH key only, system-assigned identity; its OS disk and NIC are deleted with it. */
async function ensureVm(ctx: ProvisionContext, vmName: string): Promise<void> {
  const { config, clients, ids } = ctx;
  const existing = await getOrUndefined(() => clients.compute.virtualMachines.get(config.resourceGroup, vmName), `VM ${vmName}`);
  const change = { step: "agent-vms", kind: "virtual machine", name: vmName, id: ids.vmId(vmName) };
  if (!existing) {
    return act(ctx, { ...change, action: "create", detail: `${config.vm.size}, ${config.vm.image.offer}/${config.vm.image.sku}` }, () =>
      clients.compute.virtualMachines.createOrUpdate(config.resourceGroup, vmName, vmBody(ctx, vmName), { abortSignal: ctx.signal }),
    );
  }
  const sizeDiffers = (existing.hardwareProfile?.vmSize ?? "").toLowerCase() !== config.vm.size.toLowerCase();
  const tagsDiffer = !tagsSatisfied(existing.tags, ctx.tags);
  const diagnosticsOff = existing.diagnosticsProfile?.bootDiagnostics?.enabled !== true;
  if (!sizeDiffers && !tagsDiffer && !diagnosticsOff && existing.provisioningState !== "Failed")
    return act(ctx, { ...change, action: "no-op" }, async () => undefined);
  if (existing.provisioningState === "Failed") {
    // A VM that failed to provision is put again as a whole; Azure retries it.
    return act(ctx, { ...change, action: "update", detail: "provisioning failed: retrying" }, () =>
      clients.compute.virtualMachines.createOrUpdate(config.resourceGroup, vmName, vmBody(ctx, vmName), { abortSignal: ctx.signal }),
    );
  }
  const detail = [
    sizeDiffers ? `size ${existing.hardwareProfile?.vmSize} → ${config.vm.size}` : "",
    tagsDiffer ? "tags" : "",
    diagnosticsOff ? "boot diagnostics on" : "",
  ]
    .filter(Boolean)
    .join(", ");
  await act(ctx, { ...change, action: "update", detail }, () =>
    clients.compute.virtualMachines.update(
      config.resourceGroup,
      vmName,
      { tags: { ...existing.tags, ...ctx.tags }, hardwareProfile: { vmSize: config.vm.size }, diagnosticsProfile: { bootDiagnostics: { enabled: true } } },
      { abortSignal: ctx.signal },
    ),
  );
}

async function ownedVms(ctx: ProvisionContext): Promise<VirtualMachine[]> {
  const vms = await listOrEmpty(() => ctx.clients.compute.virtualMachines.list(ctx.config.resourceGroup), `the VMs of ${ctx.config.resourceGroup}`);
  return vms.filter((vm) => isOwned(vm.tags, ctx.config.pool.name) && vm.name);
}

async function deleteVm(ctx: ProvisionContext, vmName: string, detail?: string): Promise<void> {
  await act(
    ctx,
    { step: "agent-vms", kind: "virtual machine", name: vmName, id: ctx.ids.vmId(vmName), action: "delete", detail: detail ?? "with its OS disk and NIC" },
    () => ctx.clients.compute.virtualMachines.delete(ctx.config.resourceGroup, vmName, { abortSignal: ctx.signal }),
  );
}

/** Removes the agents of VMs that are gone from the pool (scale-in), so no offline agent stays behind. */
async function deregister(ctx: ProvisionContext, vmNames: string[]): Promise<void> {
  const pool = ctx.pool;
  if (!pool || vmNames.length === 0) return;
  const agents = await ctx.devops.listAgents(pool.id);
  for (const agent of agents.filter((a) => vmNames.some((n) => n.toLowerCase() === a.name.toLowerCase()))) {
    await act(
      ctx,
      {
        step: "agent-vms",
        kind: "agent",
        name: agent.name,
        id: `${ctx.devops.organizationUrl}/_settings/agentpools?poolId=${pool.id}`,
        action: "delete",
        detail: `deregistered from ${pool.name}`,
      },
      () => ctx.devops.deleteAgent(pool.id, agent.id),
    );
  }
}

/** Step 5 (vms mode): a NIC and a VM per agent, in parallel with bounded concurrency; VMs beyond `count` are removed. */
export const agentVmsStep: Step = {
  name: "agent-vms",
  async apply(ctx) {
    if (ctx.config.pool.mode !== "vms") return;
    const names = Array.from({ length: ctx.config.pool.count }, (_, i) => ctx.ids.vmName(i + 1));
    const results = await mapSettledLimited(names, ctx.options.agentConcurrency, async (vmName) => {
      await ensureNic(ctx, vmName);
      await ensureVm(ctx, vmName);
    });
    valuesOrThrow(results, "agent VMs");
    ctx.agents = names.map((vmName) => ({ agentName: vmName, vmName, vmId: ctx.ids.vmId(vmName) }));
    const extra = (await ownedVms(ctx)).filter((vm) => (ctx.ids.vmIndex(vm.name as string) ?? 0) > ctx.config.pool.count);
    valuesOrThrow(
      await mapSettledLimited(extra, ctx.options.agentConcurrency, (vm) => deleteVm(ctx, vm.name as string, `beyond pool.count ${ctx.config.pool.count}`)),
      "scale-in deletions",
    );
    await deregister(
      ctx,
      extra.map((vm) => vm.name as string),
    );
  },
  async destroy(ctx) {
    const vms = await listOrRecordFailure(ctx, "the agent VMs", () => ownedVms(ctx));
    await mapSettledLimited(vms, ctx.options.agentConcurrency, (vm) => attempt(ctx, `VM ${vm.name}`, () => deleteVm(ctx, vm.name as string)));
    // NICs left by a VM that was never created (an interrupted apply).
    const nics = await listOrRecordFailure(ctx, "the agent NICs", () =>
      listOrEmpty(() => ctx.clients.network.networkInterfaces.list(ctx.config.resourceGroup), `the NICs of ${ctx.config.resourceGroup}`),
    );
    for (const nic of nics.filter((n) => isOwned(n.tags, ctx.config.pool.name) && !n.virtualMachine && n.name)) {
      await attempt(ctx, `NIC ${nic.name}`, () =>
        act(
          ctx,
          { step: "agent-vms", kind: "network interface", name: nic.name as string, id: nic.id ?? "", action: "delete", detail: "left without a VM" },
          () => ctx.clients.network.networkInterfaces.beginDeleteAndWait(ctx.config.resourceGroup, nic.name as string, { abortSignal: ctx.signal }),
        ),
      );
    }
  },
};
