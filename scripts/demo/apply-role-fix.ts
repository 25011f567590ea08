import { randomUUID } from "node:crypto";
import { ClientSecretCredential } from "@azure/identity";
import { createAzureClients } from "../../azure/clients";
import { needsInstanceDiscoveryDisabled, resolveCloud } from "../../azure/cloud";
import { runReadinessCheck } from "../../readiness/engine";

/**
 * The demo's inference repair: checks the Deploy stage's target (aks-inference), prints the fix of the Network
 * Contributor finding, and applies it through ARM as `az role assignment create` would.
 */
async function main(): Promise<void> {
  const env = process.env;
  const endpoints = resolveCloud("AzureCloud", env);
  const credential = new ClientSecretCredential(env.AZURE_TENANT_ID as string, env.AZURE_CLIENT_ID as string, env.AZURE_CLIENT_SECRET as string, {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: needsInstanceDiscoveryDisabled(endpoints.authorityHost),
  });
  const clients = createAzureClients(credential, env.AZURE_SUBSCRIPTION_ID as string, endpoints);
  const rg = `/subscriptions/${env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-mlops-secure`;
  const report = await runReadinessCheck(
    {
      workspaceId: `${rg}/providers/Microsoft.MachineLearningServices/workspaces/mlw-secure`,
      cloud: "AzureCloud",
      failOn: "error",
      targets: ["aks-inference"],
    },
    () => clients,
  );
  const finding = report.findings.find((f) => f.id === "inference.network-contributor:aks-inference");
  if (!finding) {
    process.stdout.write("  aks-inference already has its role\n");
    return;
  }
  process.stdout.write(`  ${finding.message}\n  fix: ${finding.fix}\n`);
  const words = [...finding.fix.matchAll(/--([a-z-]+) ("[^"]*"|\S+)/g)].map((m): [string, string] => [m[1], m[2].replace(/"/g, "")]);
  const flag = Object.fromEntries(words);
  let definitionId: string | undefined;
  for await (const definition of clients.authorization.roleDefinitions.list(flag.scope, { filter: `roleName eq '${flag.role}'` })) definitionId = definition.id;
  if (!definitionId) throw new Error(`no role definition named '${flag.role}'`);
  await clients.authorization.roleAssignments.create(flag.scope, randomUUID(), {
    roleDefinitionId: definitionId,
    principalId: flag["assignee-object-id"],
    principalType: "ServicePrincipal",
  });
  process.stdout.write(`  granted ${flag.role} on ${flag.scope} to ${flag["assignee-object-id"]}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`apply-role-fix: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
