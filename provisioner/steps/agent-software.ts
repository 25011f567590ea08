import { bootstrapFor } from "../bootstrap/agent-bootstrap";
import { mapSettledLimited, valuesOrThrow } from "../concurrency";
import { Step } from "./step";

/**
 * Step 6 (vms mode): the agent software on every VM, through the configured bootstrap (`extension` or `ssh`), in
 * parallel with bounded concurrency. Scale set pools get their agent from Azure DevOps itself. Nothing to destroy:
 * the extension goes with its VM.
 */
export const agentSoftwareStep: Step = {
  name: "agent-software",
  async apply(ctx) {
    if (ctx.config.pool.mode !== "vms") return;
    const bootstrap = bootstrapFor(ctx.config.bootstrap);
    valuesOrThrow(await mapSettledLimited(ctx.agents, ctx.options.agentConcurrency, (machine) => bootstrap.ensure(ctx, machine)), "agent installations");
  },
};
