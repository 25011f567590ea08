import { request } from "node:https";
import { parseArgs } from "node:util";
import { azureContext } from "../../cli/azure-context";
import { runReadinessCheck } from "../../readiness/engine";
import { probeStep } from "../../readiness/probe-step";
import { dnsServerResolver } from "../../readiness/probe/resolver";
import { renderText } from "../../readiness/render/text";
import { standInConnectTo, type StandIn } from "./stand-in-connect";

/**
 * The demo's "probe from an agent in the VNet": `amlvnet check --probe --dns-server <the sandbox's DNS>` as an agent
 * in the agent VNet would run it, through the product's library. DNS goes to the sandbox's DNS server (Azure DNS as
 * seen from inside the agent VNet); TCP to each private endpoint IP:port goes, through the probe's ConnectTo, to the
 * loopback listener the sandbox opened for it (GET {origin}/_sandbox/private-endpoint-listeners). Nothing is ever sent
 * to a 10.x address: an address without a listener fails without a connection.
 */

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request(url, { method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode !== 200) reject(new Error(`GET ${url}: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text));
      });
    })
      .on("error", reject)
      .end();
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { workspace: { type: "string" }, "agent-vnet": { type: "string" }, "dns-server": { type: "string" } },
    allowPositionals: true,
  });
  const env = process.env;
  const { workspace, "agent-vnet": agentVnetId, "dns-server": dnsServer } = values;
  if (!workspace || !agentVnetId || !dnsServer || !env.AMLVNET_ARM_ENDPOINT)
    throw new Error("give --workspace, --agent-vnet and --dns-server, with the sandbox's env");
  const { listeners } = (await getJson(`${env.AMLVNET_ARM_ENDPOINT}/_sandbox/private-endpoint-listeners`)) as { listeners: StandIn[] };
  const out = (line: string) => process.stdout.write(line + "\n");
  out(`DNS: the sandbox's DNS server ${dnsServer}, answering as Azure DNS (168.63.129.16) does inside ${agentVnetId.split("/").pop()}.`);
  out("TCP: each private endpoint address goes to the sandbox's loopback stand-in for the service behind it:");
  for (const s of listeners) out(`  ${`${s.ip}:${s.port}`.padEnd(16)} -> ${s.host}:${s.listenPort}  (${s.privateEndpointId.split("/").pop()})`);
  out("");
  const { clientsFor } = azureContext("AzureCloud", env);
  const report = await runReadinessCheck(
    {
      workspaceId: workspace,
      agentVnetId,
      cloud: "AzureCloud",
      failOn: "error",
      probe: probeStep({ resolver: dnsServerResolver(dnsServer), timeoutMs: 2000, connectTo: standInConnectTo(listeners) }),
    },
    clientsFor,
  );
  const probes = report.checks.filter((check) => check.category === "probe");
  out(`What the probe saw (${probes.length} probe checks; 'amlvnet check -o json' lists them under "checks"):`);
  for (const check of probes) out(`  ${check.findingIds.length ? "FAIL" : "ok  "}  ${check.title}`);
  out("");
  process.stdout.write(renderText(report));
  process.exitCode = report.ready ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`probe-from-agent: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
