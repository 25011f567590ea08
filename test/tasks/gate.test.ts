import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { registerCertificate } from "../helpers/certificates";
import { type ReferenceIds, startReferenceSandbox } from "../readiness/helpers";
import {
  agentEnvironment,
  bundledTaskEntry,
  CONNECTION_ID,
  ConnectionScheme,
  outputVariable,
  referenceInputs,
  runTask as runEntry,
  secretConnectionOf,
  taskResult,
} from "./task-runner";

describe("AmlNetworkGate@1: the gate, run as the agent runs the task", () => {
  let sandbox: RunningSandbox;
  let ids: ReferenceIds;
  let secretConnection: ConnectionScheme;
  let entry: string;
  const runTask = (env: Record<string, string>) => runEntry(env, entry);
  before(async () => {
    entry = await bundledTaskEntry();
    ({ sandbox, ids } = await startReferenceSandbox());
    secretConnection = secretConnectionOf(sandbox);
  });
  after(() => sandbox.close());

  const gateInputs = (extra: Record<string, string> = {}) => referenceInputs(sandbox, { pipelineAction: "none", ...extra });

  it("passes a ready network: Succeeded, output variables, summary and JUnit published, no secret in the log", async () => {
    const run = await runTask(agentEnvironment(sandbox, gateInputs(), secretConnection));
    assert.equal(taskResult(run.stdout), "Succeeded", run.stdout + run.stderr);
    assert.equal(outputVariable(run.stdout, "networkReady"), "true");
    assert.equal(outputVariable(run.stdout, "errorCount"), "0");
    const reportPath = outputVariable(run.stdout, "reportPath") as string;
    assert.equal(JSON.parse(readFileSync(reportPath, "utf8")).ready, true);
    assert.match(run.stdout, /##vso\[task\.uploadsummary\][^\n]*amlvnet-summary\.md/);
    assert.match(run.stdout, /##vso\[results\.publish type=JUnit;[^\]]*resultFiles=[^\]]*amlvnet-junit\.xml/);
    // The report survives the job: uploaded with the task's logs.
    assert.match(run.stdout, /##vso\[task\.uploadfile\][^\n]*amlvnet-report\.json/);
    const junitPath = /##vso\[results\.publish [^\]]*resultFiles=([^;\]]+)/.exec(run.stdout)?.[1] as string;
    const junit = readFileSync(junitPath, "utf8");
    assert.match(
      junit,
      /<testcase classname="amlvnet\.topology" name="read the topology around the workspace" time="(?!0")\d+\.\d{3}"/,
      "the topology read is timed",
    );
    assert.match(junit, /<testsuites [^>]*time="(?!0")\d+\.\d{3}"/);
    assert.ok(
      run.stdout
        .split("\n")
        .filter((l) => l.startsWith("##vso[task.debug]"))
        .some((l) => /decision|gate: ready true/.test(l)),
      "decisions are in the debug log",
    );
    // ##vso[task.setsecret] is how a task tells the agent what to mask; every other line must be clean.
    const visible = (run.stdout + run.stderr).split("\n").filter((l) => !l.startsWith("##vso[task.setsecret]"));
    assert.ok(!visible.some((l) => l.includes(sandbox.env.AZURE_CLIENT_SECRET)), "the client secret is printed");
    assert.match(run.stdout, /##vso\[task\.setsecret\]/, "derived tokens are registered as secrets");
  });

  it("writes the report under Build.ArtifactStagingDirectory when the job has one, so a later step can publish it", async () => {
    const staging = mkdtempSync(join(tmpdir(), "amlvnet-staging-"));
    const run = await runTask(agentEnvironment(sandbox, gateInputs(), secretConnection, { BUILD_ARTIFACTSTAGINGDIRECTORY: staging }));
    assert.equal(taskResult(run.stdout), "Succeeded", run.stdout);
    const reportPath = outputVariable(run.stdout, "reportPath") as string;
    assert.ok(reportPath.startsWith(staging), reportPath);
    assert.equal(JSON.parse(readFileSync(reportPath, "utf8")).ready, true);
  });

  it("fails the stage on a planted fault, with one logissue per finding carrying its fix", async () => {
    const link = `${ids.zoneId("privatelink.api.azureml.ms")}/virtualNetworkLinks/link-vnet-bastion`;
    sandbox.armClient.delete(link, "2024-06-01");
    try {
      const run = await runTask(agentEnvironment(sandbox, gateInputs(), secretConnection));
      assert.equal(taskResult(run.stdout), "Failed");
      const issues = run.stdout.split("\n").filter((l) => /^##vso\[task\.(log)?issue type=error[^\]]*\]\[[a-z-]+\] /.test(l));
      assert.equal(issues.length, 1, run.stdout);
      assert.match(
        issues[0],
        /\[dns\] Private DNS zone privatelink\.api\.azureml\.ms is not linked to the agent VNet vnet-bastion.* Fix: az network private-dns link vnet create/,
      );
      assert.equal(outputVariable(run.stdout, "networkReady"), "false");
      assert.equal(outputVariable(run.stdout, "errorCount"), "1");
      assert.match(run.stdout, /##vso\[task\.complete result=Failed;\].*not triggered because the network is not ready/);
    } finally {
      sandbox.armClient.put(link, "2024-06-01", { location: "global", properties: { virtualNetwork: { id: ids.agentVnetId } } });
    }
  });

  it("turns a warning into SucceededWithIssues, or Failed with failOn: warning", async () => {
    const ws = sandbox.armClient.get(ids.workspaceId, "2024-04-01") as { location: string; properties: Record<string, unknown> };
    sandbox.armClient.put(ids.workspaceId, "2024-04-01", { location: ws.location, properties: { ...ws.properties, publicNetworkAccess: "Enabled" } });
    try {
      const lenient = await runTask(agentEnvironment(sandbox, gateInputs(), secretConnection));
      assert.equal(taskResult(lenient.stdout), "SucceededWithIssues");
      assert.match(lenient.stdout, /##vso\[task\.(log)?issue type=warning[^\]]*\]\[workspace\]/);
      const strict = await runTask(agentEnvironment(sandbox, gateInputs({ failOn: "warning" }), secretConnection));
      assert.equal(taskResult(strict.stdout), "Failed");
    } finally {
      sandbox.armClient.put(ids.workspaceId, "2024-04-01", { location: ws.location, properties: { ...ws.properties, publicNetworkAccess: "Disabled" } });
    }
  });

  it("probes from the agent by default: names that do not resolve privately become findings", async () => {
    const run = await runTask(agentEnvironment(sandbox, gateInputs({ probe: "true", dnsServer: "127.0.0.1:9" }), secretConnection));
    assert.equal(taskResult(run.stdout), "Failed");
    assert.match(run.stdout, /##vso\[task\.(log)?issue type=error[^\]]*\]\[probe\] .*azurecr\.io/);
  });

  it("turns a wrong secret into advice naming the connection, without a stack trace", async () => {
    const run = await runTask(agentEnvironment(sandbox, gateInputs(), { ...secretConnection, secret: "wrong-secret" } as ConnectionScheme));
    assert.equal(taskResult(run.stdout), "Failed");
    assert.match(run.stdout, new RegExp(`Service connection 'ml-prod-connection \\(${CONNECTION_ID}\\)' has a wrong client secret \\(AADSTS7000215`));
    assert.ok(!/\n\s+at /.test(run.stdout + run.stderr), "no stack trace");
  });

  it("authenticates with a certificate (ServicePrincipal, spnCertificate)", async () => {
    const certificate = registerCertificate(sandbox.directory.defaultApp);
    const run = await runTask(
      agentEnvironment(sandbox, gateInputs(), {
        scheme: "ServicePrincipal",
        authenticationType: "spnCertificate",
        clientId: sandbox.env.AZURE_CLIENT_ID,
        certificate,
      }),
    );
    assert.equal(taskResult(run.stdout), "Succeeded", run.stdout);
    assert.ok(!run.stdout.includes("PRIVATE KEY"));
  });

  it("authenticates with workload identity federation, fetching the OIDC token with the job's SystemVssConnection token (no SYSTEM_ACCESSTOKEN)", async () => {
    sandbox.oidc.registerServiceConnection({ id: CONNECTION_ID, name: "ml-prod-connection", project: "project-1", app: sandbox.directory.defaultApp });
    const env = agentEnvironment(sandbox, gateInputs(), { scheme: "WorkloadIdentityFederation", clientId: sandbox.env.AZURE_CLIENT_ID });
    assert.equal(env.SYSTEM_ACCESSTOKEN, undefined);
    const run = await runTask(env);
    assert.equal(taskResult(run.stdout), "Succeeded", run.stdout);
    const jobToken = env.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN;
    const visible = (run.stdout + run.stderr).split("\n").filter((l) => !l.startsWith("##vso[task.setsecret]"));
    assert.ok(!visible.some((l) => l.includes(jobToken)), "the job access token is printed");
    // Only the per-parameter variable (what getEndpointAuthorizationParameter reads) is enough too.
    const onlyParameter = { ...env, ENDPOINT_AUTH_SYSTEMVSSCONNECTION: "" };
    assert.equal(taskResult((await runTask(onlyParameter)).stdout), "Succeeded");
  });

  it("federates through the sandbox's own service connection with only what the sandbox prints", async () => {
    const printed = sandbox.env;
    const extra = {
      SYSTEM_OIDCREQUESTURI: printed.SYSTEM_OIDCREQUESTURI,
      ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: printed.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN,
      ENDPOINT_AUTH_SYSTEMVSSCONNECTION: "",
    };
    const env = agentEnvironment(
      sandbox,
      gateInputs(),
      { scheme: "WorkloadIdentityFederation", clientId: printed.AZURE_CLIENT_ID },
      extra,
      printed.AMLVNET_WIF_SERVICE_CONNECTION_ID,
    );
    const run = await runTask(env);
    assert.equal(taskResult(run.stdout), "Succeeded", run.stdout);
  });

  it("says which token is missing when the job has no SystemVssConnection and no System.AccessToken", async () => {
    const env = agentEnvironment(sandbox, gateInputs(), { scheme: "WorkloadIdentityFederation", clientId: sandbox.env.AZURE_CLIENT_ID });
    const withoutJobToken = Object.fromEntries(Object.entries(env).filter(([k]) => !k.includes("SYSTEMVSSCONNECTION")));
    const run = await runTask(withoutJobToken);
    assert.equal(taskResult(run.stdout), "Failed");
    assert.match(run.stdout, /##vso\[task\.complete result=Failed;\].*job access token/);
  });

  it("reports a federated credential that does not match the connection as a federation problem", async () => {
    const stranger = sandbox.directory.addApp("no-federation", "7e6d5c4b-1111-4222-8333-444455556666", "7e6d5c4b-9999-4222-8333-444455556666", [
      { scope: `/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}`, role: "Reader" },
    ]);
    const run = await runTask(agentEnvironment(sandbox, gateInputs(), { scheme: "WorkloadIdentityFederation", clientId: stranger.clientId }));
    assert.equal(taskResult(run.stdout), "Failed");
    assert.match(run.stdout, /uses workload identity federation, but Entra ID refused the pipeline's token \(AADSTS700211/);
  });

  it("authenticates with a managed identity through the instance metadata service, as the connection's user-assigned identity (msiclientId)", async () => {
    const clientIds: string[] = [];
    const imds = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (req.headers.metadata !== "true" || url.pathname.replace(/\/$/, "") !== "/metadata/identity/oauth2/token") {
        res.statusCode = 400;
        res.end();
        return;
      }
      clientIds.push(url.searchParams.get("client_id") ?? "");
      const resource = url.searchParams.get("resource") ?? "";
      const token = sandbox.authority.issueAppToken(sandbox.directory.defaultApp, resource.endsWith("/") ? resource : `${resource}/`);
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({ access_token: token, expires_in: "3599", expires_on: String(Math.floor(Date.now() / 1000) + 3599), resource, token_type: "Bearer" }),
      );
    });
    await new Promise<void>((r) => imds.listen(0, "127.0.0.1", r));
    try {
      const imdsHost = { AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${(imds.address() as AddressInfo).port}` };
      const systemAssigned = await runTask(agentEnvironment(sandbox, gateInputs(), { scheme: "ManagedServiceIdentity" }, imdsHost));
      assert.equal(taskResult(systemAssigned.stdout), "Succeeded", systemAssigned.stdout);
      assert.deepEqual([...new Set(clientIds)], [""], "a system-assigned identity names no client ID");
      clientIds.length = 0;
      const userAssigned = "0d9a5b1e-6c2f-4e8a-9b7d-3f1e2a4c5d6e";
      const run = await runTask(agentEnvironment(sandbox, gateInputs(), { scheme: "ManagedServiceIdentity", msiClientId: userAssigned }, imdsHost));
      assert.equal(taskResult(run.stdout), "Succeeded", run.stdout);
      assert.deepEqual([...new Set(clientIds)], [userAssigned]);
    } finally {
      imds.close();
    }
  });

  it("refuses bad inputs with one message naming the input", async () => {
    const run = await runTask(agentEnvironment(sandbox, gateInputs({ workspace: "mlw-secure" }), secretConnection));
    assert.equal(taskResult(run.stdout), "Failed");
    assert.match(run.stdout, /Input 'workspace' is 'mlw-secure', a name: set 'resourceGroup' too/);
    const byName = await runTask(agentEnvironment(sandbox, gateInputs({ workspace: "mlw-secure", resourceGroup: "rg-mlops-secure" }), secretConnection));
    assert.equal(taskResult(byName.stdout), "Succeeded", byName.stdout);
  });
});
