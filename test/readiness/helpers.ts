import { clientsPerSubscription } from "../../azure/clients";
import { resolveCloud } from "../../azure/cloud";
import { ClientSecretCredential } from "@azure/identity";
import type { ClientsForSubscription } from "../../readiness/topology/read-topology";
import { referenceNames } from "../../sandbox/scenarios/reference-topology";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { startTestSandbox } from "../helpers/sandbox-harness";

/** Clients for any subscription of the sandbox, built by the product's own factory. */
export function sandboxClientsFor(sandbox: RunningSandbox): ClientsForSubscription {
  const endpoints = resolveCloud("AzureCloud", sandbox.env as unknown as Record<string, string>);
  const credential = new ClientSecretCredential(sandbox.env.AZURE_TENANT_ID, sandbox.env.AZURE_CLIENT_ID, sandbox.env.AZURE_CLIENT_SECRET, {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: true,
  });
  return clientsPerSubscription(credential, endpoints);
}

export type ReferenceIds = ReturnType<typeof referenceIds>;

/** A sandbox on the reference scenario, with the IDs of its resources. */
export async function startReferenceSandbox(): Promise<{ sandbox: RunningSandbox; ids: ReferenceIds }> {
  const sandbox = await startTestSandbox({ scenario: "reference" });
  return { sandbox, ids: referenceIds(sandbox) };
}

export function referenceIds(sandbox: RunningSandbox) {
  const n = referenceNames(sandbox.env.AZURE_SUBSCRIPTION_ID);
  const rg = `/subscriptions/${n.subscriptionId}/resourceGroups/${n.resourceGroup}`;
  const net = `${rg}/providers/Microsoft.Network`;
  return {
    names: n,
    rg,
    net,
    workspaceId: `${rg}/providers/Microsoft.MachineLearningServices/workspaces/${n.workspace}`,
    agentVnetId: `${net}/virtualNetworks/${n.agentVnet}`,
    amlVnetId: `${net}/virtualNetworks/${n.amlVnet}`,
    trainingNsgId: `${net}/networkSecurityGroups/${n.trainingNsg}`,
    zoneId: (zone: string) => `${net}/privateDnsZones/${zone}`,
  };
}
