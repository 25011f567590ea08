import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { utils } from "ssh2";
import { amlvnet, minimalConfig, readLog, resourceSet, SSH_KEY, startProvisionerSandbox, writeConfig, writesIn } from "./harness";

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- configs are free-form YAML mutated per case

interface BadInput {
  name: string;
  /** Changes the minimal config (or returns raw file text). */
  config?: (c: Config, sandbox: RunningSandbox) => Config | string;
  env?: (env: Record<string, string>, sandbox: RunningSandbox) => Record<string, string>;
  args?: string[];
  expect: RegExp;
}

const CASES: BadInput[] = [
  {
    name: "malformed workspace ID",
    config: (c) => ({ ...c, workspace: "/subscriptions/x/workspaces/mlw" }),
    expect: /^workspace '\/subscriptions\/x\/workspaces\/mlw' is not valid: Resource ID of the Azure Machine Learning workspace/,
  },
  {
    name: "workspace that does not exist (404)",
    config: (c) => ({ ...c, workspace: c.workspace.replace(/mlw-secure$/, "mlw-missing") }),
    expect: /^workspace .*\/workspaces\/mlw-missing was not found \(ResourceNotFound\); check the ID/,
  },
  {
    name: "address space overlapping the AML VNet",
    config: (c) => ({
      ...c,
      network: { vnet: { name: "vnet-agents", addressSpace: "10.10.0.0/16" }, subnet: { name: "snet-agents", prefix: "10.10.1.0/24" } },
    }),
    expect:
      /^network\.vnet\.addressSpace conflicts with the AML network: 10\.10\.0\.0\/16 overlaps 10\.10\.0\.0\/16 of the AML VNet vnet-aml; pick a free range/,
  },
  {
    name: "address space overlapping a VNet peered with the AML VNet",
    config: (c) => ({
      ...c,
      network: { vnet: { name: "vnet-agents", addressSpace: ["10.20.128.0/17"] }, subnet: { name: "snet-agents", prefix: "10.20.129.0/24" } },
    }),
    expect: /10\.20\.128\.0\/17 overlaps 10\.20\.0\.0\/16 of vnet-bastion \(peered with vnet-aml\)/,
  },
  {
    name: "subnet too small for count",
    config: (c) => ({ ...c, network: { ...c.network, subnet: { name: "snet-agents", prefix: "10.30.1.0/29" } }, pool: { ...c.pool, count: 4 } }),
    expect: /^network\.subnet\.prefix 10\.30\.1\.0\/29 has 3 usable addresses \(Azure reserves 5\) but pool\.count is 4/,
  },
  {
    name: "subnet smaller than /29",
    config: (c) => ({ ...c, network: { ...c.network, subnet: { name: "snet-agents", prefix: "10.30.1.0/30" } }, pool: { ...c.pool, count: 1 } }),
    expect: /^network\.subnet\.prefix 10\.30\.1\.0\/30 is too small: Azure's smallest subnet is \/29/,
  },
  {
    name: "subnet outside the VNet's address space",
    config: (c) => ({ ...c, network: { ...c.network, subnet: { name: "snet-agents", prefix: "10.31.1.0/24" } } }),
    expect: /^network\.subnet\.prefix 10\.31\.1\.0\/24 is outside network\.vnet\.addressSpace 10\.30\.0\.0\/16/,
  },
  {
    name: "prefix that is not CIDR",
    config: (c) => ({ ...c, network: { ...c.network, vnet: { name: "vnet-agents", addressSpace: "10.30.0.0/33" } } }),
    expect: /^network\.vnet\.addressSpace '10\.30\.0\.0\/33' has an invalid prefix length; write it as a\.b\.c\.d\/n/,
  },
  { name: "count 0", config: (c) => ({ ...c, pool: { ...c.pool, count: 0 } }), expect: /^pool\.count must be >= 1 \(got 0\)/ },
  { name: "count 1000", config: (c) => ({ ...c, pool: { ...c.pool, count: 1000 } }), expect: /^pool\.count must be <= 100 \(got 1000\)/ },
  {
    name: "unknown location",
    config: (c) => ({ ...c, location: "westeurop" }),
    expect: /^location 'westeurop' is not an Azure region of AzureCloud; did you mean westeurope\?/,
  },
  { name: "bad YAML", config: () => "subscription: [unclosed\nresourceGroup: rg\n", expect: /^not valid YAML at line \d+, column \d+/ },
  {
    name: "missing sshPublicKeyFile",
    config: (c) => ({ ...c, vm: { ...c.vm, sshPublicKeyFile: "./missing.pub" } }),
    expect: /^vm\.sshPublicKeyFile '\.\/missing\.pub' cannot be read \(ENOENT; it is resolved from the config file's folder/,
  },
  {
    name: "private key given as sshPublicKeyFile",
    config: (c) => ({ ...c, vm: { ...c.vm, sshPublicKeyFile: "./id_private" } }),
    expect: /^vm\.sshPublicKeyFile '\.\/id_private' holds a PRIVATE key; point it at the \.pub file/,
  },
  {
    name: "password field present",
    config: (c) => ({ ...c, vm: { ...c.vm, adminPassword: "Secret123!" } }),
    expect: /^vm\.adminPassword: passwords are not supported: the VMs accept SSH keys only/,
  },
  {
    name: "PAT in the config",
    config: (c) => ({ ...c, devops: { pat: "abc" } }),
    expect: /^devops\.pat: the PAT is never read from a file: remove it and set AZURE_DEVOPS_EXT_PAT/,
  },
  { name: "mode typo", config: (c) => ({ ...c, pool: { ...c.pool, mode: "vm" } }), expect: /^pool\.mode must be one of vms, scaleset \(got 'vm'\)/ },
  { name: "bootstrap typo", config: (c) => ({ ...c, bootstrap: "extention" }), expect: /^bootstrap must be one of extension, ssh \(got 'extention'\)/ },
  {
    name: "bootstrap ssh without a jump host",
    config: (c) => ({ ...c, bootstrap: "ssh" }),
    expect: /^bootstrap: ssh needs a jump host: set ssh\.jumpHost .* or AMLVNET_SSH_JUMP_HOST$/,
  },
  {
    name: "bootstrap ssh with a jump host but no pinned key",
    config: (c) => ({ ...c, bootstrap: "ssh", ssh: { jumpHost: "127.0.0.1:2222" } }),
    expect: /^bootstrap: ssh needs the jump host's key, which is pinned and never accepted blindly/,
  },
  {
    name: "bootstrap ssh with a private key that does not match the VMs' key",
    config: (c) => ({ ...c, bootstrap: "ssh", ssh: { jumpHost: "127.0.0.1:2222", jumpHostKey: SSH_KEY, privateKeyFile: "./other_key" } }),
    expect: /^ssh\.privateKeyFile '\.\/other_key' does not match vm\.sshPublicKeyFile/,
  },
  { name: "unknown field", config: (c) => ({ ...c, pools: {} }), expect: /^pools is not a known field; fields here are: subscription, resourceGroup/ },
  {
    name: "subscription that is not a GUID",
    config: (c) => ({ ...c, subscription: "my-subscription" }),
    expect: /^subscription 'my-subscription' is not valid: Subscription ID \(a GUID\)/,
  },
  {
    name: "vnet with both id and name",
    config: (c) => ({ ...c, network: { ...c.network, vnet: { ...c.network.vnet, id: c.workspace } } }),
    expect: /^network\.vnet(\.id)? .*(needs either id|is not valid)/,
  },
  {
    name: "scale set pool without a service connection",
    config: (c) => ({ ...c, pool: { ...c.pool, mode: "scaleset" } }),
    expect: /^pool\.serviceEndpointId is missing \(required when pool\.mode is scaleset\)/,
  },
  { name: "reserved tag", config: (c) => ({ ...c, tags: { "amlvnet-pool": "x" } }), expect: /^tags: keys starting with amlvnet- are reserved/ },
  {
    name: "VNet name taken by a VNet amlvnet did not create",
    config: (c) => ({
      ...c,
      resourceGroup: "rg-mlops-secure",
      network: { vnet: { name: "vnet-bastion", addressSpace: "10.40.0.0/16" }, subnet: { name: "snet-agents", prefix: "10.40.1.0/24" } },
    }),
    expect: /^network\.vnet\.name: vnet-bastion already exists in rg-mlops-secure and was not created by amlvnet/,
  },
  {
    name: "pool name of the hosted pool",
    config: (c) => ({ ...c, pool: { ...c.pool, name: "Azure Pipelines" } }),
    expect: /^pool\.name 'Azure Pipelines' is a Microsoft-hosted pool/,
  },
  {
    name: "wrong PAT (401)",
    env: (e) => ({ ...e, AZURE_DEVOPS_EXT_PAT: "x".repeat(52) }),
    expect: /^AZURE_DEVOPS_EXT_PAT was rejected by https:\/\/127\.0\.0\.1:\d+\/\S+ \(401\)/,
  },
  {
    name: "PAT without the Agent Pools scope (403)",
    env: (e, s) => ({ ...e, AZURE_DEVOPS_EXT_PAT: s.directory.addPat(["vso.project"], "noscope@example.com").token }),
    expect: /^AZURE_DEVOPS_EXT_PAT may not list agent pools in \S+ \(403\): give the PAT the Agent Pools \(read, manage\) scope/,
  },
  {
    name: "PAT that can read but not manage pools",
    env: (e, s) => ({ ...e, AZURE_DEVOPS_EXT_PAT: s.directory.addPat(["vso.agentpools"], "reader@example.com").token }),
    expect: /^AZURE_DEVOPS_EXT_PAT can read but not manage agent pools/,
  },
  {
    name: "PAT pasted with a line break",
    env: (e) => ({ ...e, AZURE_DEVOPS_EXT_PAT: e.AZURE_DEVOPS_EXT_PAT + "\n" }),
    expect: /^AZURE_DEVOPS_EXT_PAT holds a space or a line break: export the token alone/,
  },
  {
    name: "no PAT in the environment",
    env: (e) => ({ ...e, AZURE_DEVOPS_EXT_PAT: "" }),
    expect: /^AZURE_DEVOPS_EXT_PAT is not set: create a PAT with Agent Pools \(read, manage\)/,
  },
  {
    name: "no Azure DevOps organization",
    env: (e) => ({ ...e, AZURE_DEVOPS_ORG_URL: "" }),
    expect: /^the Azure DevOps organization is not set: export AZURE_DEVOPS_ORG_URL/,
  },
  { name: "wrong client secret", env: (e) => ({ ...e, AZURE_CLIENT_SECRET: "wrong" }), expect: /AADSTS7000215.*Check AZURE_CLIENT_SECRET/ },
  {
    name: "config file that does not exist",
    args: ["-f", "nowhere.yaml"],
    expect: /^nowhere\.yaml: cannot read the config file \(ENOENT\); check the path given to -f/,
  },
  { name: "--count that is not a number", args: ["--count", "many"], expect: /^--count 'many' is not a whole number; give e\.g\. --count 3$/ },
  { name: "--count 0 overriding a valid count", args: ["--count", "0"], expect: /^pool\.count must be >= 1 \(got 0\) \(from --count\)$/ },
  { name: "unknown --output", args: ["--output", "xml"], expect: /^--output must be one of text, json, got 'xml'/ },
];

describe("amlvnet apply with bad inputs: one line naming the input and the fix, exit 2, nothing written", () => {
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  let dir: string;
  let logFile: string;
  let initial: string[];
  before(async () => {
    ({ sandbox, env, dir, logFile } = await startProvisionerSandbox());
    writeFileSync(join(dir, "id_private"), "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
    writeFileSync(join(dir, "other_key"), utils.generateKeyPairSync("ed25519").private);
    initial = resourceSet(sandbox);
  });
  after(() => sandbox.close());

  it(`has at least 30 cases`, () => assert.ok(CASES.length >= 30, String(CASES.length)));

  for (const [index, bad] of CASES.entries()) {
    it(`refuses: ${bad.name}`, async () => {
      const mutated = bad.config ? bad.config(structuredClone(minimalConfig(sandbox)), sandbox) : minimalConfig(sandbox);
      const file = writeConfig(dir, `case-${index}.yaml`, mutated, typeof mutated === "string" ? "raw" : "yaml");
      const args = bad.args?.includes("-f") ? bad.args : ["-f", file, ...(bad.args ?? [])];
      const offset = readLog(logFile).length;
      const run = await amlvnet(["apply", ...args], bad.env ? bad.env(env, sandbox) : env);
      const message = run.stderr.trim();
      assert.equal(run.code, 2, `exit ${run.code}: ${run.stdout}${run.stderr}`);
      assert.equal(message.split("\n").length, 1, message);
      assert.match(message.replace(/^amlvnet: (case-\d+\.yaml: )?/, ""), bad.expect);
      assert.ok(!message.includes(sandbox.env.AZURE_DEVOPS_EXT_PAT) && !message.includes(sandbox.env.AZURE_CLIENT_SECRET), "no secret in the message");
      assert.deepEqual(
        writesIn(readLog(logFile).slice(offset)).map((e) => `${e.method} ${e.path}`),
        [],
      );
    });
  }

  it("left Azure and Azure DevOps as they were", () => {
    assert.deepEqual(resourceSet(sandbox), initial);
    assert.equal(sandbox.devops.findPoolByName("aml-private"), undefined);
  });
});
