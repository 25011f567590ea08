import assert from "node:assert/strict";
import dgram from "node:dgram";
import { DnsLookupError, dnsServerResolver, InvalidDnsServerError, parseDnsServer, systemResolver } from "../../../readiness/probe/resolver";
import { startDnsmasq, type RunningDnsmasq } from "./dnsmasq";

describe("readiness/probe/resolver", () => {
  describe("parseDnsServer", () => {
    it("takes IP:PORT, a bare IP (port 53) and bracketed IPv6", () => {
      assert.deepEqual(parseDnsServer("127.0.0.1:5353"), { host: "127.0.0.1", port: 5353, address: "127.0.0.1:5353" });
      assert.deepEqual(parseDnsServer(" 10.0.0.4 "), { host: "10.0.0.4", port: 53, address: "10.0.0.4:53" });
      assert.deepEqual(parseDnsServer("[fd00::4]:5300"), { host: "fd00::4", port: 5300, address: "[fd00::4]:5300" });
      assert.deepEqual(parseDnsServer("fd00::4"), { host: "fd00::4", port: 53, address: "[fd00::4]:53" });
    });

    for (const bad of ["", "dns.contoso.local", "10.0.0.4:", "10.0.0.4:0", "10.0.0.4:65536", "10.0.0.4:53a", "300.1.1.1", "[10.0.0.4]:53", "10.0.0.4:53:1"]) {
      it(`rejects '${bad}' in one line naming it and the expected form`, () => {
        assert.throws(
          () => parseDnsServer(bad),
          (error: unknown) =>
            error instanceof InvalidDnsServerError &&
            error.message.includes(`'${bad}'`) &&
            error.message.includes("IP[:PORT]") &&
            !error.message.includes("\n"),
        );
      });
    }
  });

  describe("dnsServerResolver against dnsmasq", () => {
    let dnsmasq: RunningDnsmasq;
    before(async () => {
      dnsmasq = await startDnsmasq({ hostRecords: [["ws.api.azureml.ms", "10.10.2.4"]], localDomains: ["api.azureml.ms"] });
    });
    after(async () => dnsmasq?.stop());

    it("resolves a record through 127.0.0.1:PORT", async () => {
      const resolver = dnsServerResolver(dnsmasq.address, 1000);
      assert.deepEqual(await resolver.resolve4("ws.api.azureml.ms"), ["10.10.2.4"]);
      assert.equal(resolver.description, `DNS server ${dnsmasq.address}`);
    });

    it("reports NXDOMAIN for a name the server does not know", async () => {
      await assert.rejects(dnsServerResolver(dnsmasq.address, 1000).resolve4("missing.api.azureml.ms"), (error: unknown) => {
        assert.ok(error instanceof DnsLookupError);
        assert.equal(error.failure, "nxdomain");
        assert.match(error.message, /missing\.api\.azureml\.ms: no such name \(NXDOMAIN\)/);
        return true;
      });
    });

    it("reports a refusal for a name outside the server's domains (dnsmasq has no upstream)", async () => {
      await assert.rejects(dnsServerResolver(dnsmasq.address, 1000).resolve4("x.blob.core.windows.net"), { failure: "refused" });
    });
  });

  it("times out quickly on a server that never answers", async () => {
    const silent = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      const started = Date.now();
      await assert.rejects(dnsServerResolver(`127.0.0.1:${silent.address().port}`, 150).resolve4("ws.api.azureml.ms"), { failure: "timeout" });
      assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    } finally {
      silent.close();
    }
  });

  it("the system resolver honours /etc/hosts", async () => {
    const resolver = systemResolver(1000);
    assert.ok((await resolver.resolve4("localhost")).includes("127.0.0.1"));
    assert.equal(resolver.description, "the system resolver");
  });
});
