/**
 * Microsoft.Network/privateDnsZones with virtualNetworkLinks and record sets. Shapes from azure-rest-api-specs
 * privatedns 2024-06-01 `privatedns.json` and examples PrivateZonePut.json, VirtualNetworkLinkPut.json, RecordSetAPut.json
 * (test/fixtures/arm), RecordSetSOAGet.json (the SOA record every zone gets); SDK types PrivateZone, VirtualNetworkLink,
 * RecordSet in @azure/arm-privatedns.
 */
import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import { isIpv4Address } from "../ip-prefix";
import type { ResourceTypeSpec } from "../resource-type";
import { parentIdOf } from "../resource-id";
import { sameId } from "./common";
import { asObject, asObjects, asString, JsonObject, propertiesOf, refIdOf } from "./wire";

export const PRIVATE_DNS_ZONE = "Microsoft.Network/privateDnsZones";
export const VNET_LINK = "Microsoft.Network/privateDnsZones/virtualNetworkLinks";
export const RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "PTR", "SOA", "SRV", "TXT"];
const DNS_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

export const privateDnsZoneType: ResourceTypeSpec = {
  type: PRIVATE_DNS_ZONE,
  lro: "privatedns",
  placement: "global",
  write(_ctx, request) {
    const name = request.address.names[0];
    const labels = name.split(".");
    if (labels.length < 2 || labels.length > 34 || !labels.every((l) => DNS_LABEL.test(l))) {
      throw new ArmError(400, "BadRequest", `The zone name '${name}' is not valid. A private zone name needs 2 to 34 labels of letters, digits and hyphens.`);
    }
    return {
      etag: guidFrom(request.id + Date.now()),
      properties: {
        maxNumberOfRecordSets: 25000,
        maxNumberOfVirtualNetworkLinks: 1000,
        maxNumberOfVirtualNetworkLinksWithRegistration: 100,
        internalId: propertiesOf(request.existing?.body).internalId ?? Buffer.from(request.id).toString("base64").slice(0, 40),
      },
    };
  },
  afterWrite(ctx, zone) {
    const soaId = `${zone.id}/SOA/@`;
    if (ctx.resolve(soaId)) return;
    ctx.putInternal(soaId, `${PRIVATE_DNS_ZONE}/SOA`, {
      properties: {
        ttl: 3600,
        soaRecord: {
          email: "azureprivatedns-host.microsoft.com",
          expireTime: 2419200,
          host: "azureprivatedns.net",
          minimumTtl: 10,
          refreshTime: 3600,
          retryTime: 300,
          serialNumber: 1,
        },
      },
    });
  },
  view(ctx, zone, body) {
    const children = ctx.store.childrenOf(zone.id);
    const links = children.filter((c) => c.type === VNET_LINK);
    const props = propertiesOf(body);
    props.numberOfRecordSets = children.length - links.length;
    props.numberOfVirtualNetworkLinks = links.length;
    props.numberOfVirtualNetworkLinksWithRegistration = links.filter((l) => propertiesOf(l.body).registrationEnabled).length;
  },
};

export const virtualNetworkLinkType: ResourceTypeSpec = {
  type: VNET_LINK,
  lro: "privatedns",
  placement: "global",
  write(ctx, request) {
    const props = propertiesOf(request.body);
    const vnetIdGiven = asObject(props.virtualNetwork).id;
    const vnetId = asString(vnetIdGiven);
    const vnet = vnetId ? ctx.resolve(vnetId) : undefined;
    if (!vnetId || !vnet || vnet.type !== "Microsoft.Network/virtualNetworks") {
      throw new ArmError(
        400,
        "BadRequest",
        `The virtual network '${String(vnetIdGiven ?? "(missing properties.virtualNetwork.id)")}' referenced by link ${request.id} does not exist.`,
      );
    }
    const zoneId = parentIdOf(request.id) as string;
    const zoneName = request.address.names[0];
    const other = ctx.store.childrenOf(zoneId, VNET_LINK).find((l) => !sameId(l.id, request.id) && sameId(linkedVnetId(l.body), vnet.id));
    if (other) throw new ArmError(409, "Conflict", `Private zone '${zoneName}' is already linked to the virtual network '${vnet.id}'.`);
    const sameNamespace = ctx.store
      .resources()
      .find(
        (r) =>
          r.type === VNET_LINK &&
          !sameId(parentIdOf(r.id), zoneId) &&
          r.id.split("/")[8]?.toLowerCase() === zoneName.toLowerCase() &&
          sameId(linkedVnetId(r.body), vnet.id),
      );
    if (sameNamespace) {
      throw new ArmError(
        400,
        "BadRequest",
        `A virtual network cannot be linked to multiple zones with overlapping namespaces. You tried to link virtual network with '${zoneName}' and '${zoneName}' zones.`,
      );
    }
    return {
      etag: guidFrom(request.id + Date.now()),
      properties: {
        virtualNetwork: { id: vnet.id },
        registrationEnabled: props.registrationEnabled ?? false,
        resolutionPolicy: props.resolutionPolicy ?? "Default",
        virtualNetworkLinkState: "Completed",
      },
    };
  },
};

/** The VNet of a link the sandbox stored (its write always sets virtualNetwork.id). */
function linkedVnetId(body: unknown): string | undefined {
  return refIdOf(propertiesOf(body).virtualNetwork);
}

function recordSetType(recordType: string): ResourceTypeSpec {
  return {
    type: `${PRIVATE_DNS_ZONE}/${recordType}`,
    lro: "sync",
    placement: "child",
    write(ctx, request) {
      const props = propertiesOf(request.body);
      const zoneId = parentIdOf(request.id) as string;
      const zoneName = request.address.names[0];
      const name = request.address.names[1];
      if (recordType === "SOA" && name !== "@") throw new ArmError(400, "BadRequest", "The SOA record set must be named '@'.");
      const siblings = ctx.store
        .childrenOf(zoneId)
        .filter((c) => c.name.toLowerCase() === name.toLowerCase() && !sameId(c.id, request.id) && c.type !== VNET_LINK);
      if ((recordType === "CNAME" && siblings.length > 0) || siblings.some((s) => s.type.endsWith("/CNAME"))) {
        throw new ArmError(
          409,
          "Conflict",
          `The record set ${name} of type ${recordType} conflicts with an existing record set: a CNAME record set cannot share its name with other record sets.`,
        );
      }
      const aRecordsGiven = props.aRecords ?? props.ARecords ?? [];
      // Something other than a list is refused, never read as "no records".
      if (!Array.isArray(aRecordsGiven)) throw new ArmError(400, "BadRequest", `The A records of record set ${name} must be a list of {ipv4Address}.`);
      const aRecords = asObjects(aRecordsGiven);
      for (const record of aRecords) {
        if (!isIpv4Address(String(record.ipv4Address))) {
          throw new ArmError(400, "BadRequest", `The IPv4 address '${String(record.ipv4Address)}' of record set ${name} is not valid.`);
        }
      }
      const properties: JsonObject = {
        ...(props.metadata ? { metadata: props.metadata } : {}),
        ttl: props.ttl ?? 3600,
        fqdn: `${name === "@" ? "" : name + "."}${zoneName}.`,
        isAutoRegistered: false,
      };
      const out = { etag: guidFrom(request.id + Date.now()), properties };
      if (recordType === "A") properties.aRecords = aRecords.map((r) => ({ ipv4Address: r.ipv4Address }));
      if (recordType === "AAAA") properties.aaaaRecords = props.aaaaRecords ?? [];
      if (recordType === "CNAME") {
        const cname = asObject(props.cnameRecord).cname;
        if (!cname) throw new ArmError(400, "BadRequest", `The CNAME record set ${name} needs properties.cnameRecord.cname.`);
        properties.cnameRecord = { cname };
      }
      if (recordType === "SOA") properties.soaRecord = props.soaRecord;
      if (recordType === "TXT") properties.txtRecords = props.txtRecords ?? [];
      if (recordType === "MX") properties.mxRecords = props.mxRecords ?? [];
      if (recordType === "PTR") properties.ptrRecords = props.ptrRecords ?? [];
      if (recordType === "SRV") properties.srvRecords = props.srvRecords ?? [];
      return out;
    },
  };
}

export const recordSetTypes: ResourceTypeSpec[] = RECORD_TYPES.map(recordSetType);

/** `privateDnsZones/{zone}/ALL` lists every record set; it is not writable. */
export const allRecordSetsType: ResourceTypeSpec = {
  type: `${PRIVATE_DNS_ZONE}/ALL`,
  lro: "sync",
  placement: "child",
  write() {
    throw new ArmError(405, "MethodNotAllowed", "Record sets are written by their type (A, CNAME, …), not through ALL.");
  },
};
