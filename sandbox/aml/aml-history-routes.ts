import { json, SandboxResponse } from "../http/message";
import { AmlHttpError, AmlRequestContext } from "./aml-context";
import { AML_ACTIONS } from "./aml-pipeline-routes";
import { historyRunView } from "./aml-views";

/**
 * Run history (/history/v1.0/.../workspaces/{ws}/...), the API azure-rest-api-specs describes in
 * data-plane/.../runHistory.json and run-history.json, for v1 pipeline runs and v2 jobs alike:
 *   GET experiments/{experimentName}/runs/{runId}[/details]
 *   GET runs/{runId}[/details]
 */
export function handleHistory(ctx: AmlRequestContext): SandboxResponse {
  const { req, rest } = ctx;
  const lower = rest.map((s) => s.toLowerCase());
  if (req.method === "GET") {
    let experiment: string | undefined;
    let tail = rest;
    if (lower[0] === "experiments" && lower[2] === "runs") {
      experiment = rest[1];
      tail = rest.slice(2);
    }
    const details = tail.length === 3 && tail[2].toLowerCase() === "details";
    if (tail[0]?.toLowerCase() === "runs" && (tail.length === 2 || details)) {
      ctx.authorize(AML_ACTIONS.readRuns);
      const run = ctx.state.run(ctx.workspaceId, tail[1]);
      if (!run || (experiment !== undefined && run.experimentName.toLowerCase() !== experiment.toLowerCase())) {
        const where = experiment !== undefined ? `experiment ${experiment} of workspace ${ctx.workspaceName}` : `workspace ${ctx.workspaceName}`;
        throw new AmlHttpError(404, "UserError", "RunNotFound", `Run ${tail[1]} was not found in ${where}.`);
      }
      const view = historyRunView(ctx.state, run);
      if (!details) return json(200, view);
      return json(200, { ...view, inputDatasets: [], outputDatasets: [], runDefinition: {}, logFiles: {}, warnings: [], revision: 1, services: {} });
    }
  }
  throw new AmlHttpError(404, "UserError", "NotFound", `No run history route answers ${req.method} ${req.url.pathname}.`);
}
