import { ClientSecretCredential } from "@azure/identity";
import * as azdev from "azure-devops-node-api";
import { createAzureClients } from "../../azure/clients";
import { needsInstanceDiscoveryDisabled, resolveCloud } from "../../azure/cloud";

/**
 * Lists what the sandbox (or any subscription) holds, the way `az network vnet list` & co. would, using only the
 * exported environment: the demo's "look what is in there" step.
 */
async function main(): Promise<void> {
  const env = process.env;
  const required = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_SUBSCRIPTION_ID"];
  const missing = required.filter((k) => !env[k]);
  if (missing.length) throw new Error(`set ${missing.join(", ")} (export the sandbox's "env")`);
  const endpoints = resolveCloud("AzureCloud", env);
  const credential = new ClientSecretCredential(env.AZURE_TENANT_ID as string, env.AZURE_CLIENT_ID as string, env.AZURE_CLIENT_SECRET as string, {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: needsInstanceDiscoveryDisabled(endpoints.authorityHost),
  });
  const { network, privateDns, machineLearning } = createAzureClients(credential, env.AZURE_SUBSCRIPTION_ID as string, endpoints);
  const out = (line: string) => process.stdout.write(line + "\n");

  out("Virtual networks");
  for await (const vnet of network.virtualNetworks.listAll()) {
    out(`  ${vnet.name}  ${vnet.location}  ${vnet.addressSpace?.addressPrefixes?.join(", ")}`);
    for (const subnet of vnet.subnets ?? []) {
      const nsg = subnet.networkSecurityGroup?.id?.split("/").pop();
      out(`    subnet ${subnet.name}  ${subnet.addressPrefix}${nsg ? `  nsg ${nsg}` : ""}  ${subnet.ipConfigurations?.length ?? 0} IP configurations`);
    }
    for (const peering of vnet.virtualNetworkPeerings ?? []) {
      out(`    peering ${peering.name} -> ${peering.remoteVirtualNetwork?.id?.split("/").pop()}  ${peering.peeringState} / ${peering.peeringSyncLevel}`);
    }
  }
  out("Private endpoints");
  for await (const endpoint of network.privateEndpoints.listBySubscription()) {
    const connection = endpoint.privateLinkServiceConnections?.[0] ?? endpoint.manualPrivateLinkServiceConnections?.[0];
    out(
      `  ${endpoint.name} -> ${connection?.privateLinkServiceId?.split("/").pop()} [${connection?.groupIds?.join(",")}] ${connection?.privateLinkServiceConnectionState?.status}`,
    );
    // customDnsConfigs is empty once a zone group is attached; the endpoint's NIC always lists the names.
    for (const ref of endpoint.networkInterfaces ?? []) {
      const [, , , , rg, , , , name] = (ref.id ?? "").split("/");
      if (!rg || !name) continue;
      const nic = await network.networkInterfaces.get(rg, name);
      for (const ipc of nic.ipConfigurations ?? [])
        for (const fqdn of ipc.privateLinkConnectionProperties?.fqdns ?? []) out(`    ${fqdn} = ${ipc.privateIPAddress}`);
    }
  }
  out("Private DNS zones");
  for await (const zone of privateDns.privateZones.list()) {
    const rg = zone.id?.split("/")[4] as string;
    const links: string[] = [];
    for await (const link of privateDns.virtualNetworkLinks.list(rg, zone.name as string)) links.push(`${link.virtualNetwork?.id?.split("/").pop()}`);
    out(`  ${zone.name}  linked to: ${links.join(", ") || "(none)"}`);
    for await (const record of privateDns.recordSets.listByType(rg, zone.name as string, "A")) {
      out(`    A ${record.name} -> ${record.aRecords?.map((a) => a.ipv4Address).join(", ")}`);
    }
  }
  out("Machine Learning workspaces");
  for await (const workspace of machineLearning.workspaces.listBySubscription()) {
    const rg = workspace.id?.split("/")[4] as string;
    out(`  ${workspace.name}  workspaceId ${workspace.workspaceId}  publicNetworkAccess ${workspace.publicNetworkAccess}`);
    for await (const compute of machineLearning.computeOperations.list(rg, workspace.name as string)) {
      const props = compute.properties as { computeType?: string; properties?: { subnet?: { id?: string }; scaleSettings?: { maxNodeCount?: number } } };
      out(
        `    compute ${compute.name}  ${props.computeType}  subnet ${props.properties?.subnet?.id?.split("/").pop()}  max ${props.properties?.scaleSettings?.maxNodeCount} nodes`,
      );
    }
  }
  if (env.AZURE_DEVOPS_ORG_URL && env.AZURE_DEVOPS_EXT_PAT) {
    const connection = new azdev.WebApi(env.AZURE_DEVOPS_ORG_URL, azdev.getPersonalAccessTokenHandler(env.AZURE_DEVOPS_EXT_PAT));
    const agents = await connection.getTaskAgentApi();
    out(`Azure DevOps agent pools at ${env.AZURE_DEVOPS_ORG_URL}`);
    for (const pool of await agents.getAgentPools())
      out(`  ${pool.name} (id ${pool.id}, ${pool.isHosted ? "hosted" : "self-hosted"}, ${pool.size ?? 0} agents)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`show-topology: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
