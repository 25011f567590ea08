import { ClientSecretCredential } from "@azure/identity";
import { createAzureClients } from "../../azure/clients";
import { needsInstanceDiscoveryDisabled, resolveCloud } from "../../azure/cloud";

/**
 * The demo's "something broke" step: removes the agent VNet's link to privatelink.api.azureml.ms, the agent side of
 * the peering and the inference cluster's Network Contributor role, through ARM, the way a careless Terraform
 * change would.
 */
async function main(): Promise<void> {
  const env = process.env;
  const endpoints = resolveCloud("AzureCloud", env);
  refuseUnlessLoopback(endpoints.armEndpoint);
  const credential = new ClientSecretCredential(env.AZURE_TENANT_ID as string, env.AZURE_CLIENT_ID as string, env.AZURE_CLIENT_SECRET as string, {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: needsInstanceDiscoveryDisabled(endpoints.authorityHost),
  });
  const { network, privateDns, containerService, authorization } = createAzureClients(credential, env.AZURE_SUBSCRIPTION_ID as string, endpoints);
  await privateDns.virtualNetworkLinks.beginDeleteAndWait("rg-mlops-secure", "privatelink.api.azureml.ms", "link-vnet-bastion");
  process.stdout.write("  deleted link privatelink.api.azureml.ms -> vnet-bastion\n");
  await network.virtualNetworkPeerings.beginDeleteAndWait("rg-mlops-secure", "vnet-bastion", "vp_basvnet_amlvnet");
  process.stdout.write("  deleted peering vnet-bastion -> vnet-aml\n");
  const principalId = (await containerService.managedClusters.get("rg-mlops-secure", "aks-mlw-secure")).identity?.principalId;
  const scope = `/subscriptions/${env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-mlops-secure`;
  for await (const assignment of authorization.roleAssignments.listForScope(scope, { filter: `principalId eq '${principalId}'` })) {
    await authorization.roleAssignments.deleteById(assignment.id as string);
    process.stdout.write(`  deleted role assignment Network Contributor -> AKS cluster aks-mlw-secure (${principalId})\n`);
  }
}

/** It deletes resources: only ever in a local sandbox, never in a real subscription. */
function refuseUnlessLoopback(armEndpoint: string): void {
  const host = new URL(armEndpoint).hostname.replace(/^\[|\]$/g, "");
  const loopback = host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
  if (!loopback)
    throw new Error(`refusing to plant faults through ${armEndpoint}: only a local sandbox (AMLVNET_ARM_ENDPOINT on 127.0.0.1) may be broken on purpose`);
}

main().catch((error: unknown) => {
  process.stderr.write(`plant-faults: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
