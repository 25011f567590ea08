import { vmBody } from "../../sandbox/arm/types/virtual-machine";
import { asObject, propertiesOf } from "../../sandbox/arm/types/wire";
import type { RunningSandbox } from "../../sandbox/sandbox";

const VM = "Microsoft.Compute/virtualMachines";
const NIC = "Microsoft.Network/networkInterfaces";
const DISK = "Microsoft.Compute/disks";

/** "name status" of every agent in the pool, sorted: a duplicate agent shows as a repeated name. */
export function agentsInPool(sandbox: RunningSandbox, poolName: string): string[] {
  const pool = sandbox.devops.findPoolByName(poolName);
  if (!pool) return [];
  return sandbox.devops
    .agentsInPool(pool.id)
    .map((agent) => `${agent.name} ${agent.status}`)
    .sort();
}

/** NICs and disks no VM uses, VMs whose NIC or disk is gone, and agents with no VM behind them. */
export function orphans(sandbox: RunningSandbox): string[] {
  const store = sandbox.arm.store;
  const found: string[] = [];
  const resources = store.resources();
  const vms = resources.filter((r) => r.type === VM);
  for (const resource of resources) {
    const unused = store.referencing(resource.id).length === 0 && !propertiesOf(resource.body).privateEndpoint;
    if ((resource.type === NIC || resource.type === DISK) && unused) found.push(`unused ${resource.type} ${resource.name}`);
  }
  for (const vm of vms) {
    const { networkProfile, storageProfile } = vmBody(vm).properties;
    for (const nic of networkProfile.networkInterfaces) if (!store.getResource(nic.id)) found.push(`VM ${vm.name} lost NIC ${nic.id}`);
    const diskId = storageProfile.osDisk.managedDisk.id;
    if (diskId && !store.getResource(diskId)) found.push(`VM ${vm.name} lost disk ${diskId}`);
  }
  const vmNames = new Set(vms.map((vm) => vm.name.toLowerCase()));
  for (const pool of sandbox.devops.listPools()) {
    if (sandbox.devops.elasticPools.has(pool.id)) continue;
    for (const agent of sandbox.devops.agentsInPool(pool.id)) {
      if (!vmNames.has(agent.name.toLowerCase())) found.push(`agent ${agent.name} in ${pool.name} has no VM`);
    }
  }
  return found.sort();
}

/** Every resource or resource group carrying amlvnet's ownership tag. */
export function taggedResources(sandbox: RunningSandbox): string[] {
  const tagged = (tags: unknown) => Object.keys(asObject(tags)).some((key) => key.startsWith("amlvnet-"));
  const resources = sandbox.arm.store.resources().filter((r) => tagged(asObject(r.body).tags));
  const groups = sandbox.arm.store.groups(sandbox.env.AZURE_SUBSCRIPTION_ID).filter((g) => tagged(g.tags));
  return [...resources.map((r) => r.id), ...groups.map((g) => g.id)].sort();
}
