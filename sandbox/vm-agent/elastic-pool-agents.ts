import { randomBytes } from "node:crypto";
import type { ArmService } from "../arm/arm-service";
import { parentIdOf } from "../arm/resource-id";
import type { StoredResource } from "../arm/store";
import { VMSS_VM } from "../arm/types/address-allocation";
import { sameId } from "../arm/types/common";
import { VMSS } from "../arm/types/compute";
import type { DevOpsState } from "../devops/devops-state";
import type { ElasticPoolRecord } from "../devops/devops-model";
import type { InProcessArmClient } from "../scenarios/in-process-client";
import { hook } from "./arm-hooks";

/**
 * What Azure DevOps does for a scale set (elastic) pool, as Azure DevOps Server 2022's ElasticPool code shows it
 * (decompiled AzureVirtualMachineScaleSetResourceService / ElasticPoolConstants): through the pool's service
 * connection it PUTs the scale-set extension "Microsoft.Azure.DevOps.Pipelines.Agent" (publisher
 * Microsoft.VisualStudio.Services, type TeamServicesAgentLinux, typeHandlerVersion 1.23, autoUpgradeMinorVersion
 * false; settings { isPipelinesAgent, agentDownloadUrl, agentFolder "/agent", enableScriptDownloadUrl
 * ".../ElasticPools/Linux/{n}/enableagent.sh" }; protectedSettings { enableScriptParameters "<org URL> '<pool>'
 * <token> [--once]" }). On each instance that extension downloads the agent and runs enableagent.sh, which
 * configures an agent named after the machine (its computer name) in the pool and starts it: the agent shows online.
 *
 * The sandbox models that outcome, not the script: the extension is written to the scale set (visible through
 * ARM), and each instance of a scale set carrying it gets its agent registered and online; an instance that goes
 * away takes its agent with it (the service removes agents of deleted machines). What is not modelled: the service
 * sizing the scale set (it keeps the capacity it was given), reimaging, recycleAfterEachUse, the script itself.
 */
export const PIPELINES_AGENT_EXTENSION = "Microsoft.Azure.DevOps.Pipelines.Agent";
const EXTENSION_API_VERSION = "2024-07-01";
const LINUX_EXTENSION_VERSION = "1.23";
const LINUX_SCRIPT_VERSION = "15";

export class ElasticPoolAgents {
  constructor(
    private readonly arm: ArmService,
    private readonly armClient: InProcessArmClient,
    private readonly devops: DevOpsState,
    private readonly organizationUrl: string,
    private readonly agentDownloadUrl: string,
  ) {
    // The service works after it answered the create/update call.
    devops.onElasticPoolChange = (poolId) => setImmediate(() => this.provision(poolId));
    hook(arm.types, VMSS, {
      afterWrite: (original) => (ctx, scaleSet, previous) => {
        original(ctx, scaleSet, previous);
        setImmediate(() => this.sync(scaleSet.id));
      },
      afterDelete: (_ctx, scaleSet) => this.forgetScaleSet(scaleSet.id),
    });
    hook(arm.types, VMSS_VM, { afterDelete: (_ctx, instance) => this.forgetInstance(instance) });
  }

  private poolsOn(scaleSetId: string): ElasticPoolRecord[] {
    return [...this.devops.elasticPools.values()].filter((e) => sameId(e.azureId, scaleSetId));
  }

  /** Installs the agent extension on the pool's scale set, then brings its instances' agents online. */
  private provision(poolId: number): void {
    const elastic = this.devops.elasticPools.get(poolId);
    const pool = this.devops.findPool(poolId);
    if (!elastic || !pool) return;
    const scaleSet = this.arm.store.getResource(elastic.azureId);
    if (!scaleSet) {
      elastic.state = "unhealthy";
      return;
    }
    const extensionId = `${scaleSet.id}/extensions/${PIPELINES_AGENT_EXTENSION}`;
    if (!this.arm.store.getResource(extensionId)) {
      this.armClient.put(extensionId, EXTENSION_API_VERSION, {
        properties: {
          publisher: "Microsoft.VisualStudio.Services",
          type: "TeamServicesAgentLinux",
          typeHandlerVersion: LINUX_EXTENSION_VERSION,
          autoUpgradeMinorVersion: false,
          settings: {
            isPipelinesAgent: true,
            agentDownloadUrl: this.agentDownloadUrl,
            agentFolder: "/agent",
            enableScriptDownloadUrl: `https://vstsagenttools.blob.core.windows.net/tools/ElasticPools/Linux/${LINUX_SCRIPT_VERSION}/enableagent.sh`,
          },
          // A token of the service's own (not the user's PAT), kept only in protectedSettings.
          protectedSettings: {
            enableScriptParameters: `${this.organizationUrl} '${pool.name}' ${randomBytes(26).toString("hex")}${elastic.recycleAfterEachUse ? " --once" : ""}`,
          },
        },
      });
    }
    this.sync(scaleSet.id);
  }

  /** Every instance of a scale set that carries the agent extension has its agent registered and online. */
  private sync(scaleSetId: string): void {
    const scaleSet = this.arm.store.getResource(scaleSetId);
    if (!scaleSet || !this.arm.store.getResource(`${scaleSet.id}/extensions/${PIPELINES_AGENT_EXTENSION}`)) return;
    const instances = this.arm.store.childrenOf(scaleSet.id, VMSS_VM);
    for (const elastic of this.poolsOn(scaleSet.id)) {
      const pool = this.devops.findPool(elastic.poolId);
      if (!pool) continue;
      for (const instance of instances) {
        const name = computerName(scaleSet, instance);
        const agent =
          this.devops.findAgentByName(pool.id, name) ??
          this.devops.addAgent(pool.id, { name, version: versionOf(this.agentDownloadUrl), osDescription: "Linux (sandbox scale set instance)" });
        this.devops.setAgentStatus(pool.id, agent.id, "online");
      }
      elastic.state = "online";
      elastic.offlineSince = null;
      elastic.desiredSize = instances.length;
    }
  }

  private forgetInstance(instance: StoredResource): void {
    const scaleSet = this.arm.store.getResource(parentIdOf(instance.id) ?? "");
    const name = scaleSet ? computerName(scaleSet, instance) : osComputerName(instance);
    for (const elastic of this.poolsOn(parentIdOf(instance.id) ?? "")) {
      const agent = typeof name === "string" ? this.devops.findAgentByName(elastic.poolId, name) : undefined;
      if (agent) this.devops.deleteAgent(elastic.poolId, agent.id);
    }
  }

  private forgetScaleSet(scaleSetId: string): void {
    for (const elastic of this.poolsOn(scaleSetId)) {
      elastic.state = "offline";
      elastic.offlineSince = new Date();
      elastic.desiredSize = 0;
    }
  }
}

function computerName(scaleSet: StoredResource, instance: StoredResource): string {
  return osComputerName(instance) ?? `${scaleSet.name}_${instance.name}`;
}

/** properties.osProfile.computerName of a scale-set VM as ARM sends it (VirtualMachineScaleSetVM, @azure/arm-compute). */
function osComputerName(instance: StoredResource): string | undefined {
  const name = (instance.body as { properties?: { osProfile?: { computerName?: unknown } } }).properties?.osProfile?.computerName;
  return name === undefined || name === null ? undefined : String(name);
}

function versionOf(url: string): string {
  return /(\d+\.\d+\.\d+)/.exec(url)?.[1] ?? "";
}
