import assert from "node:assert/strict";
import { ClientSecretCredential } from "@azure/identity";
import { createAzureClients } from "../../azure/clients";
import { resolveCloud } from "../../azure/cloud";
import { loadConfig } from "../../provisioner/config/load-config";
import { createContext, type ProvisionContext, type RunMode } from "../../provisioner/context";
import { DevOpsService } from "../../provisioner/devops/devops-service";
import { ProvisionerInputError } from "../../provisioner/errors";
import { agentVmsStep } from "../../provisioner/steps/agent-vms";
import { agentsOnlineStep } from "../../provisioner/steps/agents-online";
import { dnsLinksStep } from "../../provisioner/steps/dns-links";
import { peeringStep } from "../../provisioner/steps/peering";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { minimalConfig, startProvisionerSandbox, writeConfig } from "./harness";

describe("provisioner: a refused read is reported, not taken for 'nothing there'", () => {
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  let file: string;

  before(async () => {
    const started = await startProvisionerSandbox();
    ({ sandbox, env } = started);
    file = writeConfig(started.dir, "agents.yaml", minimalConfig(sandbox, 1));
    // The group exists (a missing group is a 404, which rightly reads as "nothing there").
    sandbox.armClient.put(`/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-agents`, "2024-03-01", { location: "westeurope" });
  });
  after(() => sandbox.close());

  /** A context whose Azure identity has no role at all (every ARM read answers 403 AuthorizationFailed). */
  function contextWithoutRoles(mode: RunMode): ProvisionContext {
    const app = sandbox.directory.addApp("no-roles", "3c2b1a00-1111-4222-8333-444455556666", "3c2b1a00-9999-4222-8333-444455556666", []);
    const endpoints = resolveCloud("AzureCloud", env);
    const credential = new ClientSecretCredential(env.AZURE_TENANT_ID, app.clientId, app.secrets[0].value, {
      authorityHost: endpoints.authorityHost,
      disableInstanceDiscovery: true,
    });
    const config = loadConfig(file, { pat: env.AZURE_DEVOPS_EXT_PAT, organizationUrl: env.AZURE_DEVOPS_ORG_URL }, { needsDevOps: true });
    return createContext({
      config,
      mode,
      clientsFor: (subscription) => createAzureClients(credential, subscription, endpoints),
      devops: new DevOpsService(config.devops.organizationUrl, env.AZURE_DEVOPS_EXT_PAT),
      pat: env.AZURE_DEVOPS_EXT_PAT,
      options: { pollIntervalMs: 20, onlineTimeoutMs: 20_000 },
    });
  }

  it("destroy records a NIC listing it may not read, as it does for the VM listing", async () => {
    const ctx = contextWithoutRoles("destroy");
    await agentVmsStep.destroy?.(ctx);
    assert.ok(
      ctx.failures.some((f) => f.startsWith("listing the agent VMs:")),
      ctx.failures.join("\n"),
    );
    assert.ok(
      ctx.failures.some((f) => /^listing the agent NICs: .*Microsoft\.Network\/networkInterfaces\/read/.test(f)),
      ctx.failures.join("\n"),
    );
  });

  it("destroy records the peering and private-zone listings it may not read instead of taking them for empty", async () => {
    const ctx = contextWithoutRoles("destroy");
    await peeringStep.destroy?.(ctx);
    await dnsLinksStep.destroy?.(ctx);
    assert.ok(
      ctx.failures.some((f) => /^listing the peerings of vnet-[^:]+: .*virtualNetworkPeerings\/read/.test(f)),
      ctx.failures.join("\n"),
    );
    assert.ok(
      ctx.failures.some((f) => /^listing the private DNS zones of subscription [0-9a-f-]+: /.test(f)),
      ctx.failures.join("\n"),
    );
  });

  it("the agents-online wait ends at a 403 on the agent extension, naming the missing permission", async () => {
    const ctx = contextWithoutRoles("apply");
    const owner = { id: "00000000-0000-4000-8000-000000000001", displayName: "test", uniqueName: "test" };
    const pool = sandbox.devops.addPool({ name: "aml-private" }, owner);
    ctx.pool = { id: pool.id, name: pool.name, isHosted: false, isElastic: false };
    ctx.agents = [{ agentName: "vm-aml-private-1", vmName: "vm-aml-private-1", vmId: ctx.ids.vmId("vm-aml-private-1") }];
    const started = Date.now();
    await assert.rejects(
      agentsOnlineStep.apply(ctx),
      (error: Error) =>
        error instanceof ProvisionerInputError &&
        /the agent extension of vm-aml-private-1: the identity lacks 'Microsoft\.Compute\/virtualMachines\/extensions\/read'/.test(error.message),
    );
    assert.ok(Date.now() - started < 15_000, "it did not wait for the timeout");
  });
});
