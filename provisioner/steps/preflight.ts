import { CheckSetupError } from "../../readiness/errors";
import { readTopology } from "../../readiness/topology/read-topology";
import { bootstrapFor } from "../bootstrap/agent-bootstrap";
import type { ProvisionContext } from "../context";
import type { PoolAccess } from "../devops/devops-pools";
import { ProvisionerInputError, statusOf } from "../errors";
import { isOwned } from "../ownership";
import { amlNetworkOf, checkExistingVnet, checkNoOverlap } from "./preflight-network";
import { getOrUndefined, Step } from "./step";

/**
 * Step 1, read-only: the PAT works and may manage pools, the workspace exists and its AML VNet is found through
 * its private endpoints, the agent address space is free, an existing VNet fits, the bootstrap is usable, and no
 * resource amlvnet would create already exists without its tags. Any problem is an input error: nothing changed.
 */
export const preflightStep: Step = {
  name: "preflight",
  async apply(ctx) {
    const { config } = ctx;
    if (config.pool.mode === "vms") await bootstrapFor(config.bootstrap).preflight(ctx);
    const [access, topology, projects] = await Promise.all([ctx.devops.checkAccess(config.pool.name), readWorkspaceNetwork(ctx), resolveProjects(ctx, true)]);
    checkPoolAccess(ctx, access);
    ctx.projects = projects;
    ctx.topology = topology;
    const aml = amlNetworkOf(topology, config);
    checkExistingVnet(topology, config, ctx.ids);
    checkNoOverlap(topology, config, ctx.ids, aml.amlVnetIds);
    Object.assign(ctx, aml);
    await checkNoForeignResources(ctx);
    ctx.progress(
      `preflight passed: AML VNet ${aml.amlVnetIds.map((id) => id.split("/").pop()).join(", ")}, ${aml.zoneIds.length} private DNS zones, pool ${config.pool.name} ${access.pool ? "exists" : "will be created"}`,
    );
  },
  async destroy(ctx) {
    // Destroy needs the PAT to work (input error otherwise); the workspace may be gone, then steps find their resources without it.
    const access = await ctx.devops.checkAccess(ctx.config.pool.name);
    if (!access.canManage && access.pool) checkPoolAccess(ctx, access);
    ctx.projects = await resolveProjects(ctx, false);
    try {
      ctx.topology = await readWorkspaceNetwork(ctx);
      Object.assign(ctx, amlNetworkOf(ctx.topology, ctx.config));
    } catch (error) {
      if (!(error instanceof ProvisionerInputError) || !/was not found|no private endpoint/.test(error.message)) throw error;
      ctx.progress(`the workspace's network cannot be read (${error.message.split(";")[0]}): looking for amlvnet's resources without it`);
    }
  },
};

/**
 * The config's projects as the organization knows them. apply refuses a project that does not exist (nothing is
 * changed yet); destroy skips it (a deleted project took its queues with it).
 */
async function resolveProjects(ctx: ProvisionContext, required: boolean): Promise<ProvisionContext["projects"]> {
  const found = await Promise.all(ctx.config.projects.map(async (wanted) => ({ wanted, project: await ctx.devops.findProject(wanted.name) })));
  const missing = found.filter((f) => !f.project).map((f) => f.wanted.name);
  if (missing.length && required) {
    throw new ProvisionerInputError(
      `projects: ${missing.map((n) => `'${n}'`).join(", ")} ${missing.length > 1 ? "are not projects" : "is not a project"} of ${ctx.devops.organizationUrl} (TF200016); check the name in the organization's Projects page (and that the PAT's user can see it), or remove it from projects / --project`,
    );
  }
  return found.flatMap((f) => (f.project ? [{ ...f.project, authorizePipelines: f.wanted.authorizePipelines }] : []));
}

async function readWorkspaceNetwork(ctx: ProvisionContext) {
  try {
    return await readTopology({ workspaceId: ctx.config.workspaceId, agentVnetId: ctx.ids.vnetId, cloud: ctx.config.cloud }, ctx.clientsFor);
  } catch (error) {
    if (error instanceof CheckSetupError)
      throw new ProvisionerInputError(error.message.replace(/^--workspace/, "workspace").replace(/^--agent-vnet/, "network.vnet.id"));
    throw error;
  }
}

function checkPoolAccess(ctx: ProvisionContext, access: PoolAccess): void {
  const { name, mode } = ctx.config.pool;
  const where = ctx.devops.organizationUrl;
  if (!access.canManage) {
    throw new ProvisionerInputError(
      `AZURE_DEVOPS_EXT_PAT can read but not manage agent pools in ${where}: give it the Agent Pools (read, manage) scope and its user the Administrator role on pool ${name}`,
    );
  }
  if (access.pool?.isHosted) throw new ProvisionerInputError(`pool.name '${name}' is a Microsoft-hosted pool; choose another name for the self-hosted pool`);
  if (access.pool && mode === "vms" && access.pool.isElastic) {
    throw new ProvisionerInputError(`pool.name '${name}' is a scale set (elastic) pool in ${where}; set pool.mode: scaleset or choose another name`);
  }
  if (access.pool && mode === "scaleset" && !access.pool.isElastic) {
    throw new ProvisionerInputError(
      `pool.name '${name}' already exists as a regular pool in ${where}; a scale set pool needs a new name (or use pool.mode: vms)`,
    );
  }
}

/** A VNet or NSG of the same name that amlvnet did not create would be taken over: refuse instead. */
async function checkNoForeignResources(ctx: ProvisionContext): Promise<void> {
  const { config, clients, ids } = ctx;
  const rg = config.resourceGroup;
  const checks: Array<[string, string, Promise<{ tags?: Record<string, string> } | undefined>]> = [
    [
      "network.nsgName",
      config.network.nsgName,
      getOrUndefined(() => clients.network.networkSecurityGroups.get(rg, config.network.nsgName), `NSG ${config.network.nsgName}`),
    ],
  ];
  if (config.network.vnet.kind === "create") {
    checks.push(["network.vnet.name", ids.vnetName, getOrUndefined(() => clients.network.virtualNetworks.get(rg, ids.vnetName), `VNet ${ids.vnetName}`)]);
  }
  for (const [field, name, read] of checks) {
    const found = await read.catch((error: unknown) => {
      if (statusOf(error) === 404) return undefined;
      throw error;
    });
    if (found && !isOwned(found.tags, config.pool.name)) {
      throw new ProvisionerInputError(
        `${field}: ${name} already exists in ${rg} and was not created by amlvnet for pool ${config.pool.name}; choose another name (or give an existing VNet as network.vnet.id)`,
      );
    }
  }
}
