import type { AgentMachine, ProvisionContext } from "../context";
import { agentScript } from "./agent-script";

/** The agent script for one machine of the pool, the same whichever bootstrap delivers it. */
export function machineAgentScript(ctx: ProvisionContext, machine: AgentMachine): string {
  const { config } = ctx;
  return agentScript({
    organizationUrl: config.devops.organizationUrl,
    pool: config.pool.name,
    agentName: machine.agentName,
    downloadUrl: config.agent.downloadUrl,
    runAs: config.vm.adminUser,
  });
}
