import { ComputeManagementClient } from "@azure/arm-compute";
import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { NetworkManagementClient } from "@azure/arm-network";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import { CloudEndpoints, needsInstanceDiscoveryDisabled } from "./cloud";
import { retryAfterPolicy } from "./retry-after-policy";

/** The ARM clients amlvnet uses, all built here with the same credential, endpoint and scope. */
export interface AzureClients {
  network: NetworkManagementClient;
  privateDns: PrivateDnsManagementClient;
  compute: ComputeManagementClient;
  machineLearning: AzureMachineLearningWorkspaces;
  /** Generic reads by ID (storage, Key Vault, registry and other types with no client here). */
  resources: ResourceManagementClient;
}

export function createDefaultCredential(endpoints: CloudEndpoints): TokenCredential {
  return new DefaultAzureCredential({
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: needsInstanceDiscoveryDisabled(endpoints.authorityHost),
  });
}

export function createAzureClients(credential: TokenCredential, subscriptionId: string, endpoints: CloudEndpoints): AzureClients {
  const additionalPolicies = [{ policy: retryAfterPolicy(), position: "perCall" as const }];
  const classic = { endpoint: endpoints.armEndpoint, credentialScopes: [endpoints.armScope], additionalPolicies };
  return {
    network: new NetworkManagementClient(credential, subscriptionId, classic),
    privateDns: new PrivateDnsManagementClient(credential, subscriptionId, classic),
    compute: new ComputeManagementClient(credential, subscriptionId, { endpoint: endpoints.armEndpoint, credentials: { scopes: [endpoints.armScope] }, additionalPolicies }),
    machineLearning: new AzureMachineLearningWorkspaces(credential, subscriptionId, classic),
    resources: new ResourceManagementClient(credential, subscriptionId, classic),
  };
}

/** One set of clients per subscription (IDs compared case-insensitively), built on first use. */
export function clientsPerSubscription(credential: TokenCredential, endpoints: CloudEndpoints): (subscriptionId: string) => AzureClients {
  const cache = new Map<string, AzureClients>();
  return (subscriptionId) => {
    const key = subscriptionId.toLowerCase();
    let clients = cache.get(key);
    if (!clients) cache.set(key, (clients = createAzureClients(credential, key, endpoints)));
    return clients;
  };
}
