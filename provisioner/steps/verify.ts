import { runReadinessCheck } from "../../readiness/engine";
import { verdictLine } from "../../readiness/render/common";
import { Step } from "./step";

/** Step 8: the readiness engine for the workspace, judged from the agent VNet; its verdict decides apply's exit code. */
export const verifyStep: Step = {
  name: "verify",
  async apply(ctx) {
    if (ctx.mode !== "apply") return;
    const report = await runReadinessCheck(
      { workspaceId: ctx.config.workspaceId, agentVnetId: ctx.ids.vnetId, cloud: ctx.config.cloud, failOn: "error" },
      ctx.clientsFor,
    );
    ctx.report = report;
    ctx.progress(`readiness from ${ctx.ids.vnetName}: ${verdictLine(report)}`);
    for (const finding of report.findings.filter((f) => f.severity === "error")) ctx.progress(`  ${finding.message} Fix: ${finding.fix}`);
  },
};
