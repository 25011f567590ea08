import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { CloudName } from "../../azure/cloud";
import { CidrError, contains, parseCidr, usableAddressCount } from "../../network/cidr";
import { ProvisionerInputError } from "../errors";
import {
  BootstrapKind,
  DEFAULT_AGENT_VERSION,
  DEFAULT_IMAGE,
  defaultAgentDownloadUrl,
  ImageReference,
  PoolMode,
  ProvisionerConfig,
  ProjectQueueConfig,
  ProvisionerEnvironment,
  VnetConfig,
} from "./config-types";
import { applyOverrides, ConfigOverride } from "./overrides";
import { RawSshConfig, resolveSsh } from "./ssh-config";
import { normalizeRegion, suggestRegion } from "./regions";
import { findForbiddenField, validateAgainstSchema } from "./schema-validation";

/** The document's shape once the schema accepted it (defaults filled in). */
interface RawConfig {
  subscription: string;
  resourceGroup: string;
  location: string;
  cloud: CloudName;
  workspace: string;
  network: { vnet: { name?: string; addressSpace?: string | string[]; id?: string }; subnet: { name: string; prefix: string }; nsgName?: string };
  pool: { name: string; mode: PoolMode; count: number; onlineTimeoutMinutes: number; serviceEndpointId?: string; projectId?: string };
  vm: { size: string; image: string | Partial<ImageReference>; adminUser: string; sshPublicKeyFile: string; namePrefix?: string; osDiskType: string };
  projects?: Array<string | { name: string; authorizePipelines?: boolean }>;
  bootstrap: BootstrapKind;
  ssh?: RawSshConfig;
  agent?: { version?: string; downloadUrl?: string };
  devops?: { organizationUrl?: string };
  tags?: Record<string, string>;
}

/**
 * Reads a YAML or JSON config, validates it against config.schema.json, checks what a schema cannot (CIDR maths,
 * region, the SSH key file, the PAT and organization in the environment) and resolves defaults. Every problem is a
 * ProvisionerInputError of one line that starts with the file name and names the field.
 */
export function loadConfig(
  file: string,
  env: ProvisionerEnvironment,
  options: { needsDevOps: boolean; overrides?: readonly ConfigOverride[] },
): ProvisionerConfig {
  const path = resolve(file);
  const name = basename(path);
  const fail = (message: string): never => {
    throw new ProvisionerInputError(`${name}: ${message}`);
  };
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    fail(`cannot read the config file (${(error as NodeJS.ErrnoException).code ?? "error"}); check the path given to -f`);
  }
  const document = parseText(text, path.endsWith(".json"), fail);
  applyOverrides(document, options.overrides ?? []);
  const forbidden = findForbiddenField(document);
  if (forbidden) fail(forbidden);
  const problem = validateAgainstSchema(document);
  if (problem) {
    const fromFlag = options.overrides?.find((override) => problem.startsWith(override.path.join(".") + " "));
    fail(fromFlag ? `${problem} (from --${fromFlag.flag})` : problem);
  }
  return resolveConfig(document as unknown as RawConfig, path, env, options, fail);
}

function parseText(text: string, json: boolean, fail: (message: string) => never): Record<string, unknown> {
  let value: unknown;
  if (json) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      fail(`not valid JSON: ${(error as Error).message}`);
    }
  } else {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length) {
      const error = doc.errors[0];
      const where = error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : "";
      fail(`not valid YAML${where}: ${error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`);
    }
    value = doc.toJS();
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    fail("the config must be a mapping of fields (subscription, resourceGroup, location, workspace, network, pool, vm, ...)");
  return value as Record<string, unknown>;
}

function cidr(text: string, field: string, fail: (message: string) => never): ReturnType<typeof parseCidr> {
  try {
    return parseCidr(text);
  } catch (error) {
    if (error instanceof CidrError) fail(`${field} ${error.message}; write it as a.b.c.d/n, e.g. 10.30.1.0/24`);
    throw error;
  }
}

function resolveConfig(
  raw: RawConfig,
  path: string,
  env: ProvisionerEnvironment,
  options: { needsDevOps: boolean },
  fail: (message: string) => never,
): ProvisionerConfig {
  const location = normalizeRegion(raw.location, raw.cloud);
  if (!location) {
    const suggestion = suggestRegion(raw.location, raw.cloud);
    fail(
      `location '${raw.location}' is not an Azure region of ${raw.cloud}${suggestion ? `; did you mean ${suggestion}?` : "; use a name from 'az account list-locations -o table'"}`,
    );
  }
  const vnet = resolveVnet(raw.network.vnet, fail);
  const subnet = cidr(raw.network.subnet.prefix, "network.subnet.prefix", fail);
  if (vnet.kind === "create") {
    const spaces = vnet.addressSpace.map((p, i) => cidr(p, `network.vnet.addressSpace${vnet.addressSpace.length > 1 ? `[${i}]` : ""}`, fail));
    if (!spaces.some((space) => contains(space, subnet))) {
      fail(`network.subnet.prefix ${subnet.text} is outside network.vnet.addressSpace ${vnet.addressSpace.join(", ")}; pick a prefix inside it`);
    }
  }
  if (subnet.prefixLength > 29) fail(`network.subnet.prefix ${subnet.text} is too small: Azure's smallest subnet is /29`);
  const usable = usableAddressCount(subnet.text);
  if (usable < raw.pool.count) {
    fail(
      `network.subnet.prefix ${subnet.text} has ${usable} usable addresses (Azure reserves 5) but pool.count is ${raw.pool.count}; use a larger prefix or fewer agents`,
    );
  }
  const organizationUrl = (env.organizationUrl || raw.devops?.organizationUrl || "").replace(/\/+$/, "");
  if (options.needsDevOps) {
    if (!organizationUrl)
      fail("the Azure DevOps organization is not set: export AZURE_DEVOPS_ORG_URL=https://dev.azure.com/<org> or set devops.organizationUrl");
    if (!/^https:\/\/[^/\s]+/.test(organizationUrl))
      fail(`AZURE_DEVOPS_ORG_URL '${organizationUrl}' is not an https URL; set it to https://dev.azure.com/<org>`);
    if (!env.pat)
      fail("AZURE_DEVOPS_EXT_PAT is not set: create a PAT with Agent Pools (read, manage) and export it (it is never read from the config or a flag)");
    if (/\s/.test(env.pat ?? "")) fail("AZURE_DEVOPS_EXT_PAT holds a space or a line break: export the token alone, as Azure DevOps shows it");
  }
  const version = raw.agent?.version ?? DEFAULT_AGENT_VERSION;
  const sshPublicKey = readSshKey(resolve(dirname(path), raw.vm.sshPublicKeyFile), raw.vm.sshPublicKeyFile, fail);
  const sshKey = { adminUser: raw.vm.adminUser, publicKey: sshPublicKey, publicKeyFile: raw.vm.sshPublicKeyFile, configDir: dirname(path) };
  return {
    file: path,
    subscription: raw.subscription.toLowerCase(),
    resourceGroup: raw.resourceGroup,
    location,
    cloud: raw.cloud,
    workspaceId: raw.workspace,
    network: { vnet, subnet: { name: raw.network.subnet.name, prefix: subnet.text }, nsgName: raw.network.nsgName ?? `nsg-${raw.network.subnet.name}` },
    pool: {
      name: raw.pool.name,
      mode: raw.pool.mode,
      count: raw.pool.count,
      onlineTimeoutMs: Math.round(raw.pool.onlineTimeoutMinutes * 60_000),
      serviceEndpointId: raw.pool.serviceEndpointId,
      projectId: raw.pool.projectId,
    },
    vm: {
      size: raw.vm.size,
      image: resolveImage(raw.vm.image),
      adminUser: raw.vm.adminUser,
      sshPublicKey,
      namePrefix: raw.vm.namePrefix ?? `vm-${raw.pool.name.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`.slice(0, 52),
      osDiskType: raw.vm.osDiskType,
    },
    projects: resolveProjects(raw.projects ?? [], fail),
    bootstrap: raw.bootstrap,
    ...(raw.bootstrap === "ssh" ? { ssh: resolveSsh(raw.ssh ?? {}, sshKey, env, fail) } : {}),
    agent: { version, downloadUrl: env.agentDownloadUrl || raw.agent?.downloadUrl || defaultAgentDownloadUrl(version) },
    devops: { organizationUrl },
    tags: raw.tags ?? {},
  };
}

function resolveProjects(raw: NonNullable<RawConfig["projects"]>, fail: (message: string) => never): ProjectQueueConfig[] {
  const projects = raw.map((entry) =>
    typeof entry === "string"
      ? { name: entry.trim(), authorizePipelines: false }
      : { name: entry.name.trim(), authorizePipelines: entry.authorizePipelines ?? false },
  );
  const seen = new Set<string>();
  for (const project of projects) {
    if (seen.has(project.name.toLowerCase())) fail(`projects lists '${project.name}' twice; name each project once`);
    seen.add(project.name.toLowerCase());
  }
  return projects;
}

function resolveVnet(raw: RawConfig["network"]["vnet"], fail: (message: string) => never): VnetConfig {
  if (raw.id) return { kind: "existing", id: raw.id };
  const spaces = typeof raw.addressSpace === "string" ? [raw.addressSpace] : (raw.addressSpace ?? []);
  const parsed = spaces.map((p, i) => cidr(p, `network.vnet.addressSpace${spaces.length > 1 ? `[${i}]` : ""}`, fail).text);
  if (!raw.name) fail("network.vnet.name is missing");
  return { kind: "create", name: raw.name, addressSpace: parsed };
}

function resolveImage(image: string | Partial<ImageReference> | undefined): ImageReference {
  if (!image) return DEFAULT_IMAGE;
  if (typeof image === "string") {
    const [publisher, offer, sku, version] = image.split(":");
    return { publisher, offer, sku, version };
  }
  return { publisher: image.publisher ?? "", offer: image.offer ?? "", sku: image.sku ?? "", version: image.version ?? "latest" };
}

const PUBLIC_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/;

function readSshKey(absolute: string, given: string, fail: (message: string) => never): string {
  let text = "";
  try {
    text = readFileSync(absolute, "utf8").trim();
  } catch (error) {
    fail(
      `vm.sshPublicKeyFile '${given}' cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}; it is resolved from the config file's folder: ${absolute}); create one with ssh-keygen -t ed25519`,
    );
  }
  if (/PRIVATE KEY/.test(text)) fail(`vm.sshPublicKeyFile '${given}' holds a PRIVATE key; point it at the .pub file`);
  const line = text.split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  if (!PUBLIC_KEY.test(line))
    fail(`vm.sshPublicKeyFile '${given}' is not an OpenSSH public key (ssh-ed25519 / ssh-rsa / ecdsa-sha2-*); create one with ssh-keygen -t ed25519`);
  return line;
}
