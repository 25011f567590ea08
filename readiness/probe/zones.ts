import { allPrivateLinkZones, publicZoneOf } from "../../network/private-link-zones";

/**
 * Which private DNS zone answers a service FQDN behind a private endpoint (public cloud, US Gov, China), so a
 * probe finding can name the zone to link or the zone to forward.
 */
export interface ZoneMatch {
  /** The public zone the FQDN is in, which a custom DNS server forwards to 168.63.129.16: "api.azureml.ms". */
  publicZone: string;
  /** The private DNS zone holding the A record: "privatelink.api.azureml.ms". */
  privateZone: string;
  /** The A record's name inside {@link privateZone}: "<guid>.workspace.westeurope". */
  recordName: string;
}

/** Known zones, longest public names first so the most specific wins. */
const ZONES: ReadonlyArray<readonly [publicZone: string, privateZone: string]> = allPrivateLinkZones()
  .map((zone) => [publicZoneOf(zone), zone] as const)
  .sort((a, b) => b[0].length - a[0].length);

/** Lower-cases and drops a trailing dot. */
export function normalizeFqdn(fqdn: string): string {
  return fqdn.trim().toLowerCase().replace(/\.$/, "");
}

/** The zone for `fqdn`, or undefined for a name outside the known private-link zones. */
export function zoneFor(fqdn: string): ZoneMatch | undefined {
  const name = normalizeFqdn(fqdn);
  for (const [publicZone, privateZone] of ZONES) {
    if (name.endsWith(`.${privateZone}`)) return { publicZone, privateZone, recordName: name.slice(0, -privateZone.length - 1) };
    if (name.endsWith(`.${publicZone}`)) return { publicZone, privateZone, recordName: name.slice(0, -publicZone.length - 1) };
  }
  return undefined;
}
