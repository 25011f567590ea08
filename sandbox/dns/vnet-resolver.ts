import type { ResourceStore, StoredResource } from "../arm/store";
import { PRIVATE_DNS_ZONE, VNET_LINK } from "../arm/types/private-dns";
import { sameId } from "../arm/types/common";
import { recordNameIn } from "../../network/private-link-zones";

export type DnsAnswer = { type: "A"; name: string; ttl: number; data: string } | { type: "CNAME"; name: string; ttl: number; data: string };

export interface DnsLookup {
  rcode: "NOERROR" | "NXDOMAIN";
  answers: DnsAnswer[];
}

/** Azure's answers follow at most this many CNAMEs. */
const MAX_CHAIN = 8;

/** The wire bodies read here (Microsoft.Network/privateDnsZones virtualNetworkLinks and record sets, privatedns.json). */
interface VnetLinkBody {
  properties?: { virtualNetwork?: { id?: string } };
}
interface RecordSetBody {
  properties?: { ttl?: unknown; cnameRecord?: { cname?: unknown }; aRecords?: Array<{ ipv4Address?: string }> };
}

/**
 * Answers a name the way Azure DNS (168.63.129.16) answers it inside `vnetId`: from the private DNS zones linked to
 * that VNet (the zone whose name is the longest suffix decides; a name it lacks is NXDOMAIN, as a linked zone is
 * authoritative), after the public CNAME Azure publishes for private-link names ("x.blob.core.windows.net" →
 * "x.privatelink.blob.core.windows.net") whenever a privatelink zone for the suffix exists. Names outside every
 * linked zone get NXDOMAIN: the sandbox has no public DNS behind it.
 * Sources: learn.microsoft.com/azure/dns/private-dns-overview ("Azure-provided DNS ... resolves names in linked
 * zones"), learn.microsoft.com/azure/private-link/private-endpoint-dns ("the public DNS ... CNAME to privatelink").
 */
export function resolveInVnet(store: ResourceStore, vnetId: string | undefined, question: string, type: string): DnsLookup {
  const zones = store.resources().filter((r) => r.type === PRIVATE_DNS_ZONE);
  const linked = zones.filter(
    (zone) =>
      vnetId !== undefined && store.childrenOf(zone.id, VNET_LINK).some((link) => sameId((link.body as VnetLinkBody).properties?.virtualNetwork?.id, vnetId)),
  );
  const answers: DnsAnswer[] = [];
  let name = normalize(question);
  for (let hop = 0; hop < MAX_CHAIN; hop++) {
    const zone = longestSuffix(linked, name);
    if (!zone) {
      const privateLink = privateLinkAlias(zones, name);
      if (!privateLink) return { rcode: answers.length ? "NOERROR" : "NXDOMAIN", answers };
      answers.push({ type: "CNAME", name, ttl: 300, data: privateLink });
      name = privateLink;
      continue;
    }
    const relative = name === zone.name.toLowerCase() ? "@" : name.slice(0, -(zone.name.length + 1));
    const records = recordSets(store, zone, relative);
    if (!records.length) return { rcode: answers.length ? "NOERROR" : "NXDOMAIN", answers };
    const cname = records.find((r) => r.type.endsWith("/CNAME"));
    if (cname && type !== "CNAME") {
      const target = normalize(String((cname.body as RecordSetBody).properties?.cnameRecord?.cname ?? ""));
      answers.push({ type: "CNAME", name, ttl: ttlOf(cname), data: target });
      name = target;
      continue;
    }
    const wanted = records.find((r) => r.type.endsWith(`/${type}`));
    if (type === "A" && wanted) {
      for (const record of (wanted.body as RecordSetBody).properties?.aRecords ?? []) {
        if (record.ipv4Address) answers.push({ type: "A", name, ttl: ttlOf(wanted), data: record.ipv4Address });
      }
    } else if (type === "CNAME" && cname) {
      answers.push({ type: "CNAME", name, ttl: ttlOf(cname), data: normalize(String((cname.body as RecordSetBody).properties?.cnameRecord?.cname ?? "")) });
    }
    return { rcode: "NOERROR", answers };
  }
  return { rcode: "NOERROR", answers };
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

function longestSuffix(zones: StoredResource[], name: string): StoredResource | undefined {
  return zones
    .filter((zone) => name === zone.name.toLowerCase() || name.endsWith(`.${zone.name.toLowerCase()}`))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

/**
 * "x.blob.core.windows.net" → "x.privatelink.blob.core.windows.net", "kv.vault.azure.net" →
 * "kv.privatelink.vaultcore.azure.net": the public CNAME, for any privatelink zone that exists (network/ knows
 * which public names each zone shadows).
 */
function privateLinkAlias(zones: StoredResource[], name: string): string | undefined {
  if (name.split(".").includes("privatelink")) return undefined;
  for (const zone of zones) {
    const zoneName = zone.name.toLowerCase();
    if (!zoneName.startsWith("privatelink.")) continue;
    const record = recordNameIn(zoneName, name);
    if (record) return `${record}.${zoneName}`;
  }
  return undefined;
}

/** The record sets at `relative` in the zone: exact name first, else a wildcard at the same level. */
function recordSets(store: ResourceStore, zone: StoredResource, relative: string): StoredResource[] {
  const children = store.childrenOf(zone.id).filter((r) => r.type !== VNET_LINK && !r.type.endsWith("/SOA"));
  const exact = children.filter((r) => r.name.toLowerCase() === relative);
  if (exact.length || relative === "@") return exact;
  const wildcard = `*.${relative.split(".").slice(1).join(".")}`.replace(/\.$/, "");
  return children.filter((r) => r.name.toLowerCase() === wildcard || (r.name === "*" && !relative.includes(".")));
}

function ttlOf(record: StoredResource): number {
  const ttl = Number((record.body as RecordSetBody).properties?.ttl);
  return Number.isFinite(ttl) && ttl > 0 ? ttl : 3600;
}
