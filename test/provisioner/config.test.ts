import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { loadConfig } from "../../provisioner/config/load-config";
import { overridesFromFlags } from "../../provisioner/config/overrides";
import { ProvisionerInputError } from "../../provisioner/errors";
import { issueConfigText, SSH_KEY } from "./harness";

const SUB = "6d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const WORKSPACE = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlw-secure`;
const ENV = { pat: "pat-value", organizationUrl: "https://dev.azure.com/contoso" };

const ISSUE_CONFIG = issueConfigText(SUB, WORKSPACE);

describe("provisioner config: schema, defaults and the issue's minimal config", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "amlvnet-config-"));
    writeFileSync(join(dir, "id_ed25519.pub"), SSH_KEY + "\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it("lets flags override fields (they win over the file) and still validates the result", () => {
    const file = write("override.yaml", ISSUE_CONFIG);
    const overrides = overridesFromFlags({ count: "5", pool: "aml-gpu", "vm-size": "Standard_D4s_v5", location: "North Europe", "resource-group": "rg-other" });
    const config = loadConfig(file, ENV, { needsDevOps: true, overrides });
    assert.deepEqual(
      [config.pool.count, config.pool.name, config.vm.size, config.location, config.resourceGroup],
      [5, "aml-gpu", "Standard_D4s_v5", "northeurope", "rg-other"],
    );
    assert.equal(loadConfig(file, ENV, { needsDevOps: true }).pool.count, 3, "the file itself is unchanged");
    assert.throws(
      () => loadConfig(file, ENV, { needsDevOps: true, overrides: overridesFromFlags({ mode: "pets" }) }),
      (e: Error) => e instanceof ProvisionerInputError && /^override\.yaml: pool\.mode .*\(from --mode\)$/.test(e.message),
    );
    assert.throws(() => overridesFromFlags({ count: "3.5" }), /--count '3\.5' is not a whole number/);
  });

  it("ships a valid draft 2020-12 schema where every property has a description (so editors complete it)", () => {
    const schema = JSON.parse(readFileSync("provisioner/config.schema.json", "utf8"));
    assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
    new Ajv2020({ strict: false }).compile(schema);
    const missing: string[] = [];
    const walk = (node: { properties?: Record<string, unknown> }, path: string) => {
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        const c = child as { description?: string; properties?: Record<string, unknown> };
        if (!c.description && !path.endsWith("image")) missing.push(`${path}${key}`);
        walk(c, `${path}${key}.`);
      }
    };
    walk(schema, "");
    assert.deepEqual(missing, []);
    assert.equal(schema.properties.vm.properties.image.default.sku, "22_04-lts-gen2");
  });

  it("reads the minimal config of issue 5 as written, with the key file relative to the config and the defaults filled in", () => {
    const config = loadConfig(write("agents.yaml", ISSUE_CONFIG), ENV, { needsDevOps: true });
    assert.deepEqual(config.network.vnet, { kind: "create", name: "vnet-agents", addressSpace: ["10.30.0.0/16"] });
    assert.equal(config.vm.sshPublicKey, SSH_KEY);
    assert.deepEqual(config.vm.image, { publisher: "Canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts-gen2", version: "latest" });
    assert.equal(config.vm.namePrefix, "vm-aml-private");
    assert.equal(config.network.nsgName, "nsg-snet-agents");
    assert.equal(config.pool.onlineTimeoutMs, 15 * 60_000);
    assert.equal(config.agent.downloadUrl, "https://download.agent.dev.azure.com/agent/4.258.1/vsts-agent-linux-x64-4.258.1.tar.gz");
    assert.equal(config.devops.organizationUrl, "https://dev.azure.com/contoso");
  });

  it("reads the same config as JSON, and lets the environment override the agent download URL and organization", () => {
    const json = {
      subscription: SUB,
      resourceGroup: "rg-agents",
      location: "West Europe",
      workspace: WORKSPACE,
      network: { vnet: { name: "vnet-agents", addressSpace: ["10.30.0.0/16"] }, subnet: { name: "snet-agents", prefix: "10.30.1.0/24" } },
      pool: { name: "p" },
      vm: { adminUser: "azureuser", sshPublicKeyFile: "id_ed25519.pub", image: "Canonical:ubuntu-24_04-lts:server:latest" },
      agent: { version: "4.260.0" },
      devops: { organizationUrl: "https://dev.azure.com/from-config" },
    };
    const config = loadConfig(
      write("agents.json", JSON.stringify(json)),
      { pat: "x", agentDownloadUrl: "https://127.0.0.1:1234/agent.tar.gz" },
      { needsDevOps: true },
    );
    assert.equal(config.location, "westeurope");
    assert.deepEqual([config.pool.mode, config.pool.count, config.bootstrap], ["vms", 1, "extension"]);
    assert.equal(config.vm.image.offer, "ubuntu-24_04-lts");
    assert.equal(config.agent.downloadUrl, "https://127.0.0.1:1234/agent.tar.gz");
    assert.equal(config.devops.organizationUrl, "https://dev.azure.com/from-config");
  });

  it("names the file in every error, as one line", () => {
    const file = write("broken.yaml", ISSUE_CONFIG.replace("count: 3", "count: 3.5"));
    assert.throws(
      () => loadConfig(file, ENV, { needsDevOps: true }),
      (error: Error) => {
        assert.ok(error instanceof ProvisionerInputError);
        assert.equal(error.message, "broken.yaml: pool.count must be a whole number (got 3.5)");
        return true;
      },
    );
  });
});
