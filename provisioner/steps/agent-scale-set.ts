import type { VirtualMachineScaleSet } from "@azure/arm-compute";
import type { ProvisionContext } from "../context";
import type { ElasticPoolSettings } from "../devops/devops-pools";
import { isOwned, tagsSatisfied } from "../ownership";
import { act, attempt, getOrUndefined, listOrEmpty, Step } from "./step";

function scaleSetBody(ctx: ProvisionContext): VirtualMachineScaleSet {
  const { config, ids } = ctx;
  return {
    location: config.location,
    tags: ctx.tags,
    identity: { type: "SystemAssigned" },
    sku: { name: config.vm.size, tier: "Standard", capacity: config.pool.count },
    // What Azure DevOps scale set pools require: Uniform, no overprovisioning, manual upgrades, no load balancer.
    orchestrationMode: "Uniform",
    overprovision: false,
    singlePlacementGroup: false,
    upgradePolicy: { mode: "Manual" },
    virtualMachineProfile: {
      osProfile: {
        computerNamePrefix: ids.scaleSetName.slice(0, 9),
        adminUsername: config.vm.adminUser,
        linuxConfiguration: {
          disablePasswordAuthentication: true,
          ssh: { publicKeys: [{ path: `/home/${config.vm.adminUser}/.ssh/authorized_keys`, keyData: config.vm.sshPublicKey }] },
        },
      },
      storageProfile: {
        imageReference: { ...config.vm.image },
        osDisk: { createOption: "FromImage", caching: "ReadOnly", managedDisk: { storageAccountType: config.vm.osDiskType } },
      },
      networkProfile: {
        networkInterfaceConfigurations: [{ name: "nic", primary: true, ipConfigurations: [{ name: "ipconfig1", subnet: { id: ids.subnetId } }] }],
      },
    },
  };
}

function elasticSettings(ctx: ProvisionContext): ElasticPoolSettings {
  const { pool } = ctx.config;
  return {
    serviceEndpointId: pool.serviceEndpointId as string,
    serviceEndpointScope: pool.projectId as string,
    azureId: ctx.ids.scaleSetId,
    maxCapacity: pool.count,
    desiredIdle: pool.count,
    recycleAfterEachUse: false,
    maxSavedNodeCount: 0,
    osType: "linux",
    orchestrationType: "uniform",
    timeToLiveMinutes: 30,
    agentInteractiveUI: false,
  };
}

async function ensureScaleSet(ctx: ProvisionContext): Promise<void> {
  const { config, clients, ids } = ctx;
  const existing = await getOrUndefined(
    () => clients.compute.virtualMachineScaleSets.get(config.resourceGroup, ids.scaleSetName),
    `scale set ${ids.scaleSetName}`,
  );
  const change = { step: "agent-scale-set", kind: "virtual machine scale set", name: ids.scaleSetName, id: ids.scaleSetId };
  if (!existing) {
    return act(ctx, { ...change, action: "create", detail: `Uniform, ${config.pool.count} x ${config.vm.size}, no load balancer` }, () =>
      clients.compute.virtualMachineScaleSets.createOrUpdate(config.resourceGroup, ids.scaleSetName, scaleSetBody(ctx), { abortSignal: ctx.signal }),
    );
  }
  // Azure DevOps owns the capacity of a scale set pool: only tags and the model's size are amlvnet's to fix.
  const sizeDiffers = (existing.sku?.name ?? "").toLowerCase() !== config.vm.size.toLowerCase();
  if (!sizeDiffers && tagsSatisfied(existing.tags, ctx.tags)) return act(ctx, { ...change, action: "no-op" }, async () => undefined);
  await act(ctx, { ...change, action: "update", detail: sizeDiffers ? `size → ${config.vm.size}` : "tags" }, () =>
    clients.compute.virtualMachineScaleSets.update(
      config.resourceGroup,
      ids.scaleSetName,
      { tags: { ...existing.tags, ...ctx.tags }, sku: { name: config.vm.size, capacity: existing.sku?.capacity } },
      { abortSignal: ctx.signal },
    ),
  );
}

/** The scale set registered as an elastic pool (REST; azure-devops-node-api has no method for it). */
async function ensureElasticPool(ctx: ProvisionContext): Promise<void> {
  const name = ctx.config.pool.name;
  const wanted = elasticSettings(ctx);
  const pool = await ctx.devops.findPool(name);
  const change = {
    step: "agent-scale-set",
    kind: "scale set agent pool",
    name,
    id: `${ctx.devops.organizationUrl}/_settings/agentpools${pool ? `?poolId=${pool.id}` : ""}`,
  };
  if (!pool) {
    return act(ctx, { ...change, action: "create", detail: `elastic pool on ${ctx.ids.scaleSetName}, ${wanted.maxCapacity} agents` }, async () => {
      ctx.pool = await ctx.devops.createElasticPool(name, wanted);
    });
  }
  ctx.pool = pool;
  const current = await ctx.devops.getElasticPool(pool.id);
  const drift = (["azureId", "maxCapacity", "desiredIdle", "serviceEndpointId"] as const).filter(
    (key) => String(current?.[key] ?? "").toLowerCase() !== String(wanted[key]).toLowerCase(),
  );
  if (drift.length === 0) return act(ctx, { ...change, action: "no-op" }, async () => undefined);
  await act(ctx, { ...change, action: "update", detail: drift.join(", ") }, () =>
    ctx.devops.updateElasticPool(pool.id, Object.fromEntries(drift.map((key) => [key, wanted[key]]))),
  );
}

/** Step 5 (scaleset mode): a Uniform scale set, then its Azure DevOps scale set pool; the agents are its instances. */
export const agentScaleSetStep: Step = {
  name: "agent-scale-set",
  async apply(ctx) {
    if (ctx.config.pool.mode !== "scaleset") return;
    await ensureScaleSet(ctx);
    await ensureElasticPool(ctx);
    const instances = await listOrEmpty(
      () => ctx.clients.compute.virtualMachineScaleSetVMs.list(ctx.config.resourceGroup, ctx.ids.scaleSetName),
      `the instances of ${ctx.ids.scaleSetName}`,
    );
    ctx.agents = instances.map((i) => ({ agentName: i.osProfile?.computerName ?? i.name ?? "", vmName: i.instanceId ?? i.name ?? "", vmId: i.id ?? "" }));
  },
  async destroy(ctx) {
    const { config, clients, ids } = ctx;
    await attempt(ctx, `scale set ${ids.scaleSetName}`, async () => {
      const scaleSet = await getOrUndefined(
        () => clients.compute.virtualMachineScaleSets.get(config.resourceGroup, ids.scaleSetName),
        `scale set ${ids.scaleSetName}`,
      );
      if (!scaleSet || !isOwned(scaleSet.tags, config.pool.name)) return;
      const instances = await listOrEmpty(() => clients.compute.virtualMachineScaleSetVMs.list(config.resourceGroup, ids.scaleSetName), "instances");
      ctx.agents = instances.map((i) => ({ agentName: i.osProfile?.computerName ?? "", vmName: i.instanceId ?? "", vmId: i.id ?? "" }));
      await act(ctx, { step: "agent-scale-set", kind: "virtual machine scale set", name: ids.scaleSetName, id: ids.scaleSetId, action: "delete" }, () =>
        clients.compute.virtualMachineScaleSets.delete(config.resourceGroup, ids.scaleSetName, { abortSignal: ctx.signal }),
      );
    });
  },
};
