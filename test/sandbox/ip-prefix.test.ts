import assert from "node:assert/strict";
import { contains, isCidr, overlaps, parseCidr, usableAddressCount } from "../../network/cidr";
import { recordNameIn as productRecordName } from "../../network/private-link-zones";
import { isPrefix, nextAddress, parsePrefix, prefixContains, prefixesOverlap, prefixHoldsAddress, subnetHostAddresses } from "../../sandbox/arm/ip-prefix";
import { recordNameIn } from "../../sandbox/arm/types/zone-record-name";

describe("sandbox's own address arithmetic (ipaddr.js) and record names", () => {
  it("parses, normalizes and refuses prefixes", () => {
    assert.equal(parsePrefix("10.0.0.0/16").text, "10.0.0.0/16");
    assert.equal(parsePrefix("10.1.2.3").text, "10.1.2.3/32");
    assert.throws(() => parsePrefix("10.0.1.0/16"), /host bits set; the prefix is 10\.0\.0\.0\/16/);
    for (const bad of ["10.0.0.0/33", "10.0.0/24", "10.0.0.0/8/8", "0x0a.0.0.0/8", "10.0.0.0/", "abc"]) assert.equal(isPrefix(bad), false, bad);
  });

  it("hands out .4 to the one before broadcast, and steps across octets", () => {
    assert.deepEqual([...subnetHostAddresses(parsePrefix("10.0.1.0/29"))], ["10.0.1.4", "10.0.1.5", "10.0.1.6"]);
    assert.equal([...subnetHostAddresses(parsePrefix("10.0.0.0/23"))].length, 507);
    assert.equal(nextAddress("10.0.0.255"), "10.0.1.0");
    assert.equal(nextAddress("255.255.255.255"), undefined);
    assert.equal(prefixHoldsAddress(parsePrefix("10.0.0.0/24"), "10.0.0.255"), true);
    assert.equal(prefixHoldsAddress(parsePrefix("10.0.0.0/24"), "10.0.1.0"), false);
  });

  it("agrees with the product's network/cidr.ts on a grid of prefixes (two implementations, one answer)", () => {
    const prefixes = [
      "10.0.0.0/8",
      "10.0.0.0/16",
      "10.0.128.0/17",
      "10.0.1.0/24",
      "10.0.1.128/25",
      "10.1.0.0/16",
      "192.168.0.0/24",
      "0.0.0.0/0",
      "10.0.1.8/29",
    ];
    for (const a of prefixes) {
      assert.equal(isPrefix(a), isCidr(a), a);
      if (parsePrefix(a).bits >= 16) assert.equal([...subnetHostAddresses(parsePrefix(a))].length, usableAddressCount(a), a);
      for (const b of prefixes) {
        assert.equal(prefixesOverlap(parsePrefix(a), parsePrefix(b)), overlaps(parseCidr(a), parseCidr(b)), `${a} overlaps ${b}`);
        assert.equal(prefixContains(parsePrefix(a), parsePrefix(b)), contains(parseCidr(a), parseCidr(b)), `${a} contains ${b}`);
      }
    }
  });

  it("names zone-group records from Microsoft's forwarder table, and agrees with the product", () => {
    const cases: Array<[string, string, string | undefined]> = [
      ["privatelink.api.azureml.ms", "0d7e.workspace.westeurope.api.azureml.ms", "0d7e.workspace.westeurope"],
      ["privatelink.notebooks.azure.net", "ml-ws-westeurope-0d7e.notebooks.azure.net", "ml-ws-westeurope-0d7e"],
      ["privatelink.vaultcore.azure.net", "kv-mlops.vault.azure.net", "kv-mlops"],
      ["privatelink.blob.core.windows.net", "stmlops.blob.core.windows.net.", "stmlops"],
      ["privatelink.file.core.usgovcloudapi.net", "st.file.core.usgovcloudapi.net", "st"],
      ["privatelink.azurecr.io", "crmlops.westeurope.data.azurecr.io", "crmlops.westeurope.data"],
      ["privatelink.blob.core.windows.net", "stmlops.file.core.windows.net", undefined],
      ["privatelink.azurecr.io", "evilazurecr.io", undefined],
    ];
    for (const [zone, fqdn, record] of cases) {
      assert.equal(recordNameIn(zone, fqdn), record, `${fqdn} in ${zone}`);
      assert.equal(productRecordName(zone, fqdn), record, `product: ${fqdn} in ${zone}`);
    }
    assert.equal(recordNameIn("contoso.internal", "a.contoso.internal"), undefined, "zone groups write only in the recommended zones");
  });
});
