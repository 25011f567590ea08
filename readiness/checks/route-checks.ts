import type { Route } from "@azure/arm-network";
import { idParts, shortName } from "../topology/arm-id";
import type { Topology } from "../topology/topology";
import { computeSubnets } from "./compute-subnets";
import { checkApplianceFlows } from "./firewall-checks";
import type { CheckRecorder, Problem } from "./recorder";

function defaultRoute(routes: Route[]): Route | undefined {
  return routes.find((r) => r.addressPrefix === "0.0.0.0/0");
}

function hasInternetRoute(routes: Route[], tags: string[]): boolean {
  return routes.some((r) => r.nextHopType === "Internet" && tags.some((t) => r.addressPrefix?.toLowerCase() === t.toLowerCase()));
}

/** Forced tunnelling without the routes public-IP compute needs; no-public-IP compute without an outbound path. */
export function checkRoutes(topology: Topology, recorder: CheckRecorder): void {
  const region = topology.workspace.location;
  for (const entry of computeSubnets(topology)) {
    if (!entry.subnet) continue;
    const name = shortName(entry.subnetId);
    const table = topology.routeTables.get(entry.subnet.routeTable?.id);
    const routes = table?.routes ?? [];
    const tunnel = defaultRoute(routes);
    const forced = !!tunnel && (tunnel.nextHopType === "VirtualAppliance" || tunnel.nextHopType === "VirtualNetworkGateway");
    // A default route to an appliance is a path only if the appliance lets the AML flows through: judge it.
    if (table && tunnel?.nextHopType === "VirtualAppliance") checkApplianceFlows(topology, recorder, entry, table, tunnel);
    if (entry.publicIp) {
      const missing: Problem[] = [];
      if (forced && table) {
        const rt = idParts(table.id as string);
        for (const [tags, label] of [
          [["AzureMachineLearning"], "AzureMachineLearning"],
          [[`BatchNodeManagement.${region}`, "BatchNodeManagement"], `BatchNodeManagement.${region}`],
        ] as const) {
          if (hasInternetRoute(routes, [...tags])) continue;
          missing.push({
            severity: "error",
            message: `Route table ${table.name} sends 0.0.0.0/0 to ${tunnel?.nextHopType}${tunnel?.nextHopIpAddress ? ` ${tunnel.nextHopIpAddress}` : ""}, and has no ${label} → Internet route: public-IP compute in ${name} answers AML's inbound management traffic asymmetrically and nodes never become ready.`,
            fix: `az network route-table route create --subscription ${rt.subscriptionId} --resource-group ${rt.resourceGroup} --route-table-name ${rt.name} --name ${label.replace(/\./g, "-")} --address-prefix ${label} --next-hop-type Internet`,
            resourceId: table.id,
          });
        }
      }
      recorder.record(
        {
          id: `route.public-ip-compute:${name}`,
          category: "route",
          title: `public-IP compute in ${name} keeps its AML and Batch routes to the internet`,
          resourceId: table?.id ?? entry.subnetId,
        },
        missing,
      );
    }
    if (entry.noPublicIp) {
      const natGateway = entry.subnet.natGateway?.id;
      const firewall = forced && tunnel?.nextHopType === "VirtualAppliance";
      recorder.record(
        {
          id: `route.outbound-path:${name}`,
          category: "route",
          title: `no-public-IP compute in ${name} has an outbound path (NAT gateway or firewall)`,
          resourceId: entry.subnetId,
        },
        natGateway || firewall
          ? []
          : [
              {
                severity: "error",
                message: `Compute without public IP in ${name} has neither a NAT gateway on the subnet nor a default route to a firewall: nodes cannot reach AML, Batch, storage or the registry and stay in 'preparing'.`,
                fix: `az network nat gateway create --resource-group ${idParts(entry.subnetId).resourceGroup} --name nat-${name} --public-ip-addresses <public IP name> && az network vnet subnet update --ids ${entry.subnetId} --nat-gateway nat-${name}`,
              },
            ],
      );
    }
  }
}
