import assert from "node:assert/strict";
import net from "node:net";
import { runReadinessCheck } from "../../readiness/engine";
import { probeStep } from "../../readiness/probe-step";
import { dnsServerResolver } from "../../readiness/probe/resolver";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { standInConnectTo, type StandIn } from "../../scripts/demo/stand-in-connect";
import { startTestSandbox } from "../helpers/sandbox-harness";
import { referenceIds, sandboxClientsFor } from "../readiness/helpers";

async function listeners(sandbox: RunningSandbox): Promise<StandIn[]> {
  const response = await fetch(`${sandbox.origin}/_sandbox/private-endpoint-listeners`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { listeners: StandIn[] }).listeners;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("the sandbox's loopback stand-ins for the services behind private endpoints", () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startTestSandbox({ scenario: "reference" });
  });
  after(() => sandbox.close());

  it("lists every private endpoint IP on 443 (and the file endpoint on 445), each a listener on 127.0.0.1 that accepts TCP", async () => {
    const list = await listeners(sandbox);
    const keys = list.map((s) => `${s.ip}:${s.port}`).sort();
    assert.deepEqual(keys, [
      "10.10.2.10:443",
      "10.10.2.11:443",
      "10.10.2.4:443",
      "10.10.2.5:443",
      "10.10.2.6:443",
      "10.10.2.7:443",
      "10.10.2.8:443",
      "10.10.2.8:445",
      "10.10.2.9:443",
    ]);
    for (const standIn of list) {
      assert.equal(standIn.host, "127.0.0.1");
      assert.equal(await connects(standIn.host, standIn.listenPort), true, `${standIn.ip}:${standIn.port}`);
    }
    // Asked again: the same listeners, not new ones.
    assert.deepEqual(
      (await listeners(sandbox)).map((s) => s.listenPort),
      list.map((s) => s.listenPort),
    );
  });

  it("the probe through the sandbox's DNS and the stand-ins passes from the agent VNet, connecting only to loopback", async () => {
    const ids = referenceIds(sandbox);
    const seen: string[] = [];
    const connectTo = standInConnectTo(await listeners(sandbox));
    const report = await runReadinessCheck(
      {
        workspaceId: ids.workspaceId,
        agentVnetId: ids.agentVnetId,
        cloud: "AzureCloud",
        failOn: "error",
        probe: probeStep({
          resolver: dnsServerResolver(sandbox.dns.address),
          timeoutMs: 2000,
          connectTo: (ip, port) => {
            const target = connectTo(ip, port);
            seen.push(`${ip}:${port}->${target.host}`);
            return target;
          },
        }),
      },
      sandboxClientsFor(sandbox),
    );
    assert.deepEqual(report.findings, []);
    const tcpChecks = report.checks.filter((c) => c.id.startsWith("probe.tcp:"));
    assert.ok(tcpChecks.length >= 8, `${tcpChecks.length} TCP checks`);
    assert.ok(seen.length >= 8 && seen.every((s) => /^10\.10\.2\.\d+:443->127\.0\.0\.1$/.test(s)), seen.join(", "));
  });

  it("an address without a stand-in fails without a connection; a deleted endpoint's listener closes", async () => {
    assert.throws(() => standInConnectTo([])("10.10.2.4", 443), /no loopback stand-in for 10\.10\.2\.4:443/);
    const before = await listeners(sandbox);
    const kv = before.find((s) => s.privateEndpointId.endsWith("/pe-kv"));
    assert.ok(kv);
    sandbox.armClient.delete(kv.privateEndpointId, "2024-05-01");
    const after = await listeners(sandbox);
    assert.equal(
      after.find((s) => s.ip === kv.ip),
      undefined,
    );
    assert.equal(await connects(kv.host, kv.listenPort), false);
  });
});
