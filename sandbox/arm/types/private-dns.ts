import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import { isIpv4Address } from "../ip-prefix";
import type { ResourceTypeSpec } from "../resource-type";
import { parentIdOf } from "../resource-id";
import type { Json } from "../store";
import { sameId } from "./common";

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
        internalId: request.existing?.body.properties.internalId ?? Buffer.from(request.id).toString("base64").slice(0, 40),
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
    body.properties.numberOfRecordSets = children.length - links.length;
    body.properties.numberOfVirtualNetworkLinks = links.length;
    body.properties.numberOfVirtualNetworkLinksWithRegistration = links.filter((l) => l.body.properties.registrationEnabled).length;
  },
};

export const virtualNetworkLinkType: ResourceTypeSpec = {
  type: VNET_LINK,
  lro: "privatedns",
  placement: "global",
  write(ctx, request) {
    const props = request.body.properties ?? {};
    const vnetId: string | undefined = props.virtualNetwork?.id;
    const vnet = vnetId ? ctx.resolve(vnetId) : undefined;
    if (!vnetId || !vnet || vnet.type !== "Microsoft.Network/virtualNetworks") {
      throw new ArmError(
        400,
        "BadRequest",
        `The virtual network '${vnetId ?? "(missing properties.virtualNetwork.id)"}' referenced by link ${request.id} does not exist.`,
      );
    }
    const zoneId = parentIdOf(request.id) as string;
    const zoneName = request.address.names[0];
    const other = ctx.store.childrenOf(zoneId, VNET_LINK).find((l) => !sameId(l.id, request.id) && sameId(l.body.properties.virtualNetwork.id, vnet.id));
    if (other) throw new ArmError(409, "Conflict", `Private zone '${zoneName}' is already linked to the virtual network '${vnet.id}'.`);
    const sameNamespace = ctx.store
      .resources()
      .find(
        (r) =>
          r.type === VNET_LINK &&
          !sameId(parentIdOf(r.id), zoneId) &&
          r.id.split("/")[8]?.toLowerCase() === zoneName.toLowerCase() &&
          sameId(r.body.properties.virtualNetwork.id, vnet.id),
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

function recordSetType(recordType: string): ResourceTypeSpec {
  return {
    type: `${PRIVATE_DNS_ZONE}/${recordType}`,
    lro: "sync",
    placement: "child",
    write(ctx, request) {
      const props = request.body.properties ?? {};
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
      const aRecords: Json[] = props.aRecords ?? props.ARecords ?? [];
      for (const record of aRecords) {
        if (!isIpv4Address(String(record.ipv4Address))) {
          throw new ArmError(400, "BadRequest", `The IPv4 address '${record.ipv4Address}' of record set ${name} is not valid.`);
        }
      }
      const out: Json = {
        etag: guidFrom(request.id + Date.now()),
        properties: {
          ...(props.metadata ? { metadata: props.metadata } : {}),
          ttl: props.ttl ?? 3600,
          fqdn: `${name === "@" ? "" : name + "."}${zoneName}.`,
          isAutoRegistered: false,
        },
      };
      if (recordType === "A") out.properties.aRecords = aRecords.map((r) => ({ ipv4Address: r.ipv4Address }));
      if (recordType === "AAAA") out.properties.aaaaRecords = props.aaaaRecords ?? [];
      if (recordType === "CNAME") {
        if (!props.cnameRecord?.cname) throw new ArmError(400, "BadRequest", `The CNAME record set ${name} needs properties.cnameRecord.cname.`);
        out.properties.cnameRecord = { cname: props.cnameRecord.cname };
      }
      if (recordType === "SOA") out.properties.soaRecord = props.soaRecord;
      if (recordType === "TXT") out.properties.txtRecords = props.txtRecords ?? [];
      if (recordType === "MX") out.properties.mxRecords = props.mxRecords ?? [];
      if (recordType === "PTR") out.properties.ptrRecords = props.ptrRecords ?? [];
      if (recordType === "SRV") out.properties.srvRecords = props.srvRecords ?? [];
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
