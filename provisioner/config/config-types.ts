import type { CloudName } from "../../azure/cloud";

export type PoolMode = "vms" | "scaleset";
export type BootstrapKind = "extension" | "ssh";

export interface ImageReference {
  publisher: string;
  offer: string;
  sku: string;
  version: string;
}

/** The VNet for the agents: one amlvnet creates (and owns), or an existing one it only adds a subnet to. */
export type VnetConfig = { kind: "create"; name: string; addressSpace: string[] } | { kind: "existing"; id: string };

/** The config file after schema validation, defaults and semantic checks: everything the steps need, resolved. */
export interface ProvisionerConfig {
  /** Absolute path of the file it came from (messages name it). */
  file: string;
  subscription: string;
  resourceGroup: string;
  /** Normalized region name, e.g. "westeurope". */
  location: string;
  cloud: CloudName;
  workspaceId: string;
  network: {
    vnet: VnetConfig;
    subnet: { name: string; prefix: string };
    nsgName: string;
  };
  pool: {
    name: string;
    mode: PoolMode;
    count: number;
    onlineTimeoutMs: number;
    serviceEndpointId?: string;
    projectId?: string;
  };
  vm: {
    size: string;
    image: ImageReference;
    adminUser: string;
    /** The key's contents (one line), read from sshPublicKeyFile. */
    sshPublicKey: string;
    namePrefix: string;
    osDiskType: string;
  };
  /** Projects that get a queue for the pool (pipelines name the pool through it), in config order. */
  projects: ProjectQueueConfig[];
  bootstrap: BootstrapKind;
  /** bootstrap: ssh only. */
  ssh?: SshConfig;
  agent: { version: string; downloadUrl: string };
  devops: { organizationUrl: string };
  /** User tags (amlvnet's own tags are added by the steps). */
  tags: Record<string, string>;
}

export interface ProjectQueueConfig {
  /** Project name or ID, as the user wrote it. */
  name: string;
  /** authorizePipelines=true when the queue is created: every pipeline of the project may use it. */
  authorizePipelines: boolean;
}

export interface SshConfig {
  jumpHost: { host: string; port: number };
  /** "ssh-ed25519 AAAA…": the only key the jump host may present. */
  jumpHostKey: string;
  jumpUser: string;
  /** The private key's text, read from ssh.privateKeyFile. */
  privateKey: string;
}

/** What the CLI reads from the environment: secrets and endpoints never come from the config file. */
export interface ProvisionerEnvironment {
  /** AZURE_DEVOPS_EXT_PAT. */
  pat?: string;
  /** AZURE_DEVOPS_ORG_URL (wins over devops.organizationUrl). */
  organizationUrl?: string;
  /** AMLVNET_AGENT_DOWNLOAD_URL (wins over agent.downloadUrl), e.g. the sandbox's agent package. */
  agentDownloadUrl?: string;
  /** AMLVNET_SSH_JUMP_HOST and AMLVNET_SSH_JUMP_HOST_KEY (win over ssh.jumpHost / ssh.jumpHostKey). */
  sshJumpHost?: string;
  sshJumpHostKey?: string;
}

export const DEFAULT_IMAGE: ImageReference = { publisher: "Canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts-gen2", version: "latest" };
export const DEFAULT_AGENT_VERSION = "4.258.1";

export function defaultAgentDownloadUrl(version: string): string {
  return `https://download.agent.dev.azure.com/agent/${version}/vsts-agent-linux-x64-${version}.tar.gz`;
}
