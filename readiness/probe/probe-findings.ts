import type { CheckOutcome, Finding } from "../finding";
import type { EndpointProbeResult } from "./probe-endpoints";
import { describeDnsFailure } from "./resolver";
import { describeTcp } from "./tcp";
import { zoneFor, type ZoneMatch } from "./zones";

/** What the engine knows about the agent's network, so fixes can name real resources instead of placeholders. */
export interface ProbeFindingContext {
  agentVnetId?: string;
  /** The agent VNet's custom DNS servers (`dhcpOptions.dnsServers`); empty or absent means Azure DNS. */
  agentDnsServers?: string[];
  /** ARM IDs of private DNS zones by zone name ("privatelink.api.azureml.ms" → ID). */
  privateDnsZoneIds?: Record<string, string>;
  /** What the private DNS zones linked to the agent VNet hold for each probed FQDN (lower case): the IPs Azure DNS would answer there. */
  zoneAnswers?: Record<string, string[]>;
}

export interface ProbeFindings {
  findings: Finding[];
  checks: CheckOutcome[];
}

const AZURE_DNS = "168.63.129.16";

/**
 * One DNS check per result (`probe.dns:<fqdn>`) and, when the expected IP was among the answers, one TCP check
 * (`probe.tcp:<fqdn>`). When DNS answered another address, the TCP result to it is told in the DNS finding only.
 */
export function probeFindings(results: EndpointProbeResult[], context: ProbeFindingContext = {}): ProbeFindings {
  const out: ProbeFindings = { findings: [], checks: [] };
  for (const result of results) {
    const { fqdn, expectedIp, resourceId, endpointName } = result.target;
    const dnsId = `probe.dns:${fqdn}`;
    const dnsFinding = dnsProblem(result, context);
    if (dnsFinding) out.findings.push({ id: dnsId, category: "probe", ...dnsFinding });
    out.checks.push({
      id: dnsId,
      category: "probe",
      title: `${fqdn} resolves to ${expectedIp} (private endpoint ${endpointName}${result.target.underWildcard ? `, a name under ${result.target.underWildcard}` : ""})`,
      resourceId: dnsFinding?.resourceId ?? resourceId,
      findingIds: dnsFinding ? [dnsId] : [],
    });
    const tcp = result.tcp;
    if (!tcp || tcp.ip !== expectedIp) continue;
    const tcpId = `probe.tcp:${fqdn}`;
    const tcpFinding = tcp.ok ? undefined : tcpProblem(result, context);
    if (tcpFinding) out.findings.push({ id: tcpId, category: "probe", ...tcpFinding });
    out.checks.push({
      id: tcpId,
      category: "probe",
      title: `the agent connects to ${fqdn} at ${expectedIp}:${tcp.port}`,
      resourceId: tcpFinding?.resourceId ?? resourceId,
      findingIds: tcpFinding ? [tcpId] : [],
    });
  }
  return out;
}

type Problem = Pick<Finding, "severity" | "resourceId" | "message" | "fix">;

function dnsProblem(result: EndpointProbeResult, context: ProbeFindingContext): Problem | undefined {
  const { fqdn, expectedIp, endpointName } = result.target;
  const zone = zoneOfTarget(result.target);
  const expected = `${expectedIp}, the IP of private endpoint ${endpointName}`;
  const via = `through ${result.resolver}`;
  const others = result.resolved.filter((ip) => ip !== expectedIp);
  const tcpNote = result.tcp && result.tcp.ip !== expectedIp ? ` (TCP ${result.tcp.port} to ${result.tcp.ip}: ${describeTcp(result.tcp)})` : "";
  if ((result.dns === "nxdomain" || result.dns === "no-data") && (context.zoneAnswers?.[fqdn] ?? []).includes(expectedIp))
    return resolverPathProblem(result, context, zone);
  switch (result.dns) {
    case "match":
      return undefined;
    case "public":
      return {
        severity: "error",
        message: `${fqdn} resolved ${via} to public address ${others.join(", ")}, not to ${expected}: the agent would bypass the private endpoint and go to the service's public endpoint${tcpNote}.`,
        ...missingZoneFix(fqdn, zone, result, context),
      };
    case "other-private":
      return {
        severity: "error",
        message: `${fqdn} resolved ${via} to ${others.join(", ")}, a different private address, not to ${expected}: the agent would bypass this private endpoint (a stale record, or another endpoint's zone answers)${tcpNote}.`,
        ...recordFix(fqdn, zone, result, context, others),
      };
    case "mixed":
      return {
        severity: "warning",
        message: `${fqdn} resolved ${via} to ${result.resolved.join(", ")}: besides ${expected} it returns ${others.join(", ")}, so some connections would bypass the private endpoint.`,
        ...recordFix(fqdn, zone, result, context, others),
      };
    case "nxdomain":
    case "no-data":
      return {
        severity: "error",
        message: `${fqdn} did not resolve ${via}: ${describeDnsFailure(result.dns, result.dnsCode ?? "")}; expected ${expected}.`,
        ...(customDns(context) ? forwarderFix(fqdn, zone, result, context) : recordFix(fqdn, zone, result, context, [])),
      };
    case "timeout":
    case "servfail":
    case "refused":
    case "error":
      return {
        severity: "error",
        message: `${fqdn} did not resolve ${via}: ${describeDnsFailure(result.dns, result.dnsCode ?? "")} after ${result.dnsMs} ms; expected ${expected}.`,
        ...unreachableDnsFix(fqdn, zone, result, context),
      };
  }
}

/** The zone and record that answer the target: the wildcard record for a name probed under a wildcard. */
function zoneOfTarget(target: EndpointProbeResult["target"]): ZoneMatch | undefined {
  const zone = zoneFor(target.fqdn);
  return zone && target.record ? { ...zone, privateZone: target.record.zone, recordName: target.record.name } : zone;
}

/**
 * The zone linked to the agent VNet holds the right record, yet this machine's resolver did not return it: the
 * record is not what is wrong. Either the probe runs outside the agent VNet, or the agent's DNS path does not reach
 * the zone. A warning: the configuration checks judge the zone itself.
 */
function resolverPathProblem(result: EndpointProbeResult, context: ProbeFindingContext, zone: ZoneMatch | undefined): Problem {
  const { fqdn, expectedIp } = result.target;
  const seen = `did not resolve (${describeDnsFailure(result.dns as "nxdomain" | "no-data", result.dnsCode ?? "")})`;
  const vnet = lastSegment(context.agentVnetId) ?? "the agent VNet";
  const path = customDns(context)
    ? `its custom DNS servers (${(context.agentDnsServers ?? []).join(", ")}) must forward ${zone?.publicZone ?? fqdn} to ${AZURE_DNS}`
    : `it must resolve through Azure DNS ${AZURE_DNS}`;
  return {
    severity: "warning",
    resourceId: context.agentVnetId ?? result.target.resourceId,
    message: `${fqdn} ${seen} through ${result.resolver}, yet private DNS zone ${zone?.privateZone ?? "of the name"}, linked to ${vnet}, holds it as ${expectedIp}: the record is right, this machine's resolver does not answer from that zone. The probe is running outside ${vnet}, or the resolver path from the agent does not reach the zone.`,
    fix: `run 'amlvnet check --probe' on an agent in ${vnet} (or pass --dns-server with a DNS server inside ${vnet}); on the agent, ${path}`,
  };
}

function tcpProblem(result: EndpointProbeResult, context: ProbeFindingContext): Problem {
  const { fqdn, expectedIp, endpointName, resourceId } = result.target;
  const port = result.tcp?.port ?? 443;
  const outcome = result.tcp ? describeTcp(result.tcp) : "not tried";
  if (result.tcp?.error === "refused") {
    return {
      severity: "error",
      resourceId,
      message: `${fqdn} resolves to ${expectedIp} but TCP ${port} there was refused (${outcome}): nothing behind private endpoint ${endpointName} accepts the connection.`,
      fix: `check that private endpoint ${endpointName} is Approved and still holds ${expectedIp}: az network private-endpoint show --ids ${resourceId} --query "{state: privateLinkServiceConnections[0].privateLinkServiceConnectionState.status, ips: customDnsConfigs[].ipAddresses}"`,
    };
  }
  return {
    severity: "error",
    resourceId: context.agentVnetId ?? resourceId,
    message: `${fqdn} resolves to ${expectedIp} but the agent cannot open TCP ${port} to it (${outcome}): an NSG rule, a route through a firewall or a missing peering blocks the way to private endpoint ${endpointName}.`,
    fix:
      `allow TCP ${port} from the agent subnet to ${expectedIp}: az network nsg rule create --resource-group <agent-nsg-resource-group> --nsg-name <agent-nsg> ` +
      `--name allow-${endpointName}-${port} --priority <free-priority> --direction Outbound --access Allow --protocol Tcp ` +
      `--destination-address-prefixes ${expectedIp}/32 --destination-port-ranges ${port} (and check routes and peering from the agent VNet to ${expectedIp})`,
  };
}

function customDns(context: ProbeFindingContext): boolean {
  return (context.agentDnsServers ?? []).length > 0;
}

function missingZoneFix(
  fqdn: string,
  zone: ZoneMatch | undefined,
  result: EndpointProbeResult,
  context: ProbeFindingContext,
): Pick<Finding, "resourceId" | "fix"> {
  if (customDns(context)) return forwarderFix(fqdn, zone, result, context);
  const zoneName = zone?.privateZone ?? `<private DNS zone of ${fqdn}>`;
  const zoneId = zone ? context.privateDnsZoneIds?.[zone.privateZone] : undefined;
  const vnet = context.agentVnetId ?? "<agent-vnet-id>";
  return {
    resourceId: zoneId ?? context.agentVnetId ?? result.target.resourceId,
    fix:
      `link ${zoneName} to the agent VNet: az network private-dns link vnet create ${zoneScope(zoneId)} --zone-name ${zoneName} ` +
      `--name ${lastSegment(context.agentVnetId) ?? "agent-vnet"}-link --virtual-network ${vnet} --registration-enabled false`,
  };
}

function forwarderFix(
  fqdn: string,
  zone: ZoneMatch | undefined,
  result: EndpointProbeResult,
  context: ProbeFindingContext,
): Pick<Finding, "resourceId" | "fix"> {
  const servers = (context.agentDnsServers ?? []).join(", ");
  const publicZone = zone?.publicZone ?? `the zone of ${fqdn}`;
  const privateZone = zone?.privateZone ?? "the private DNS zone";
  return {
    resourceId: context.agentVnetId ?? result.target.resourceId,
    fix: `the agent resolves through custom DNS servers (${servers}): add a conditional forwarder for ${publicZone} to ${AZURE_DNS} on them; the forwarding server must sit in a VNet linked to ${privateZone}`,
  };
}

function recordFix(
  fqdn: string,
  zone: ZoneMatch | undefined,
  result: EndpointProbeResult,
  context: ProbeFindingContext,
  wrong: string[],
): Pick<Finding, "resourceId" | "fix"> {
  const zoneId = zone ? context.privateDnsZoneIds?.[zone.privateZone] : undefined;
  const base = `az network private-dns record-set a`;
  const where = `${zoneScope(zoneId)} --zone-name ${zone?.privateZone ?? `<private DNS zone of ${fqdn}>`} --record-set-name ${zone?.recordName ?? "<record>"}`;
  const lines = [
    `${base} add-record ${where} --ipv4-address ${result.target.expectedIp}`,
    ...wrong.map((ip) => `${base} remove-record ${where} --ipv4-address ${ip}`),
  ];
  const what = wrong.length > 0 ? `point the A record of ${fqdn} at ${result.target.expectedIp} only` : `add the A record of ${fqdn}`;
  return { resourceId: zoneId ?? result.target.resourceId, fix: `${what}:\n${lines.join("\n")}` };
}

function unreachableDnsFix(
  fqdn: string,
  zone: ZoneMatch | undefined,
  result: EndpointProbeResult,
  context: ProbeFindingContext,
): Pick<Finding, "resourceId" | "fix"> {
  if (!customDns(context)) {
    return {
      resourceId: context.agentVnetId ?? result.target.resourceId,
      fix: `make the agent use Azure DNS ${AZURE_DNS} (check /etc/resolv.conf and any local DNS proxy on the agent), or pass the server to test with --dns-server IP[:PORT]`,
    };
  }
  const servers = (context.agentDnsServers ?? []).join(", ");
  return {
    resourceId: context.agentVnetId ?? result.target.resourceId,
    fix: `allow UDP and TCP 53 from the agent subnet to its DNS servers (${servers}) and make them answer for ${zone?.publicZone ?? fqdn} (conditional forwarder to ${AZURE_DNS})`,
  };
}

function zoneScope(zoneId: string | undefined): string {
  const subscription = armSegment(zoneId, "subscriptions");
  const group = armSegment(zoneId, "resourceGroups") ?? "<zone-resource-group>";
  return subscription ? `--subscription ${subscription} --resource-group ${group}` : `--resource-group ${group}`;
}

function armSegment(id: string | undefined, key: string): string | undefined {
  const parts = id?.split("/") ?? [];
  const index = parts.findIndex((part) => part.toLowerCase() === key.toLowerCase());
  return index >= 0 ? parts[index + 1] : undefined;
}

function lastSegment(id: string | undefined): string | undefined {
  return id?.split("/").filter(Boolean).pop();
}
