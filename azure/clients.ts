import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ComputeManagementClient } from "@azure/arm-compute";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { DnsResolverManagementClient } from "@azure/arm-dnsresolver";
import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { NetworkManagementClient } from "@azure/arm-network";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import { CloudEndpoints, needsInstanceDiscoveryDisabled } from "./cloud";
import { withCloudAudience } from "./cloud-metadata";
import type { ProxyFor } from "./proxy";
import { retryAfterPolicy } from "./retry-after-policy";

/** The ARM clients amlvnet uses, all built here with the same credential, endpoint and scope. */
export interface AzureClients {
  network: NetworkManagementClient;
  privateDns: PrivateDnsManagementClient;
  compute: ComputeManagementClient;
  machineLearning: AzureMachineLearningWorkspaces;
  /** AKS clusters behind inference computes. */
  containerService: ContainerServiceClient;
  /** Role assignments (the AKS identity's Network Contributor). */
  authorization: AuthorizationManagementClient;
  /** DNS Private Resolvers and forwarding rulesets (hub DNS). */
  dnsResolver: DnsResolverManagementClient;
  /** Generic reads by ID (storage, Key Vault, registry and other types with no client here). */
  resources: ResourceManagementClient;
}

/** The CLI's credential (environment, managed identity, az login...), with a custom cloud's ARM audience. */
export function createDefaultCredential(endpoints: CloudEndpoints): TokenCredential {
  const credential = new DefaultAzureCredential({
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: needsInstanceDiscoveryDisabled(endpoints.authorityHost),
  });
  return withCloudAudience(credential, endpoints);
}

/**
 * `proxyFor` (the task's agent proxy) decides the proxy for the ARM endpoint; without it the SDK pipeline reads
 * HTTPS_PROXY / NO_PROXY from the environment (the CLI).
 */
export function createAzureClients(credential: TokenCredential, subscriptionId: string, endpoints: CloudEndpoints, proxyFor?: ProxyFor): AzureClients {
  const additionalPolicies = [{ policy: retryAfterPolicy(), position: "perCall" as const }];
  const proxyOptions = proxyFor?.(endpoints.armEndpoint);
  const classic = { endpoint: endpoints.armEndpoint, credentialScopes: [endpoints.armScope], additionalPolicies, proxyOptions };
  return {
    network: new NetworkManagementClient(credential, subscriptionId, classic),
    privateDns: new PrivateDnsManagementClient(credential, subscriptionId, classic),
    compute: new ComputeManagementClient(credential, subscriptionId, {
      endpoint: endpoints.armEndpoint,
      credentials: { scopes: [endpoints.armScope] },
      additionalPolicies,
      proxyOptions,
    }),
    machineLearning: new AzureMachineLearningWorkspaces(credential, subscriptionId, classic),
    containerService: new ContainerServiceClient(credential, subscriptionId, classic),
    authorization: new AuthorizationManagementClient(credential, subscriptionId, classic),
    dnsResolver: new DnsResolverManagementClient(credential, subscriptionId, classic),
    resources: new ResourceManagementClient(credential, subscriptionId, classic),
  };
}

/** One set of clients per subscription (IDs compared case-insensitively), built on first use. */
export function clientsPerSubscription(credential: TokenCredential, endpoints: CloudEndpoints, proxyFor?: ProxyFor): (subscriptionId: string) => AzureClients {
  const cache = new Map<string, AzureClients>();
  return (subscriptionId) => {
    const key = subscriptionId.toLowerCase();
    let clients = cache.get(key);
    if (!clients) cache.set(key, (clients = createAzureClients(credential, key, endpoints, proxyFor)));
    return clients;
  };
}
