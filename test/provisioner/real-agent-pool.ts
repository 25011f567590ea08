import type { RunningSandbox } from "../../sandbox/sandbox";
import { minimalConfig, resourceSet, startRealAgentSandbox, writeConfig } from "./harness";

export interface RealAgentPool {
  sandbox: RunningSandbox;
  env: Record<string, string>;
  /** The minimal config for `agents` agents, written as agents.yaml. */
  config: string;
  /** The sandbox's resources before any apply. */
  initial: string[];
}

/** A sandbox whose VMs run the real agent package, with the minimal config for a pool of `agents` agents. */
export async function startRealAgentPool(agents: number, options: Parameters<typeof startRealAgentSandbox>[0] = {}): Promise<RealAgentPool> {
  const started = await startRealAgentSandbox(options);
  const config = writeConfig(started.dir, "agents.yaml", minimalConfig(started.sandbox, agents));
  return { sandbox: started.sandbox, env: started.env, config, initial: resourceSet(started.sandbox) };
}
