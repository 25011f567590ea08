import type { Server } from "node:https";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAmlHandler } from "./aml/aml-handler";
import { AmlState } from "./aml/aml-state";
import { seedReferenceComponents, seedReferencePipelines } from "./aml/reference-pipelines";
import { ArmService } from "./arm/arm-service";
import { cloudMetadataHandler } from "./arm/cloud-metadata";
import { instanceMetadataHandler } from "./arm/instance-metadata";
import { scaleSetNicHandler } from "./arm/scale-set-nics";
import { createTypeRegistry } from "./arm/types";
import { createDevOpsHandler } from "./devops/devops-handler";
import type { DevOpsState } from "./devops/devops-state";
import { DevOpsOidcIssuer } from "./devops/oidc-issuer";
import { ElasticPoolAgents } from "./vm-agent/elastic-pool-agents";
import { SandboxDirectory } from "./directory";
import { createEntraHandler } from "./entra/entra-handler";
import { TokenAuthority } from "./entra/token-authority";
import { FaultInjector } from "./http/faults";
import { SeededRandom } from "./http/random";
import { RequestLog } from "./http/request-log";
import { startHttpsServer } from "./http/server";
import { prepareTls } from "./http/tls";
import { InProcessArmClient } from "./scenarios/in-process-client";
import { buildScenario, ScenarioIds, scenarioIds, ScenarioName } from "./scenarios";
import { SandboxDns, startSandboxDns } from "./dns/dns-server";
import { EndpointStandIns, STAND_INS_PATH } from "./probe/endpoint-stand-ins";
import { BootDiagnostics } from "./ssh/boot-diagnostics";
import { installComputeSshHooks } from "./ssh/compute-hooks";
import { SandboxSsh } from "./ssh/sandbox-ssh";
import { VmAgent } from "./vm-agent/vm-agent";

export interface SandboxOptions {
  port?: number;
  scenario?: ScenarioName;
  latencyMs?: number;
  lroMs?: number;
  faultRate?: number;
  seed?: number;
  requestLog?: string;
  /** Where the CA lives (reused when present). */
  stateDir?: string;
  pageSize?: number;
  /**
   * Run Custom Script extensions on VMs and scale-set instances (bash on this machine, see sandbox/vm-agent).
   * Off by default: extensions are then stored and succeed at once.
   */
  runExtensions?: boolean;
  /** Time limit of one extension run (default 90 minutes, as Azure's). */
  extensionTimeoutMs?: number;
  /** The VNet whose view of DNS the sandbox's DNS server answers with (default: the scenario's agent VNet). */
  dnsVnetId?: string;
  /** UDP and TCP port of the DNS server on 127.0.0.1 (default: any free port). */
  dnsPort?: number;
}

/** What a client needs to reach the sandbox: exporting it is all the SDKs and amlvnet need. */
export interface SandboxEnv {
  AZURE_AUTHORITY_HOST: string;
  AZURE_TENANT_ID: string;
  AZURE_CLIENT_ID: string;
  AZURE_CLIENT_SECRET: string;
  AZURE_SUBSCRIPTION_ID: string;
  AMLVNET_ARM_ENDPOINT: string;
  AZURE_DEVOPS_ORG_URL: string;
  AZURE_DEVOPS_EXT_PAT: string;
  NODE_EXTRA_CA_CERTS: string;
  /** When VM extensions run: the sandbox's agent package, for `amlvnet apply`. */
  AMLVNET_AGENT_DOWNLOAD_URL?: string;
  /** When VM extensions run: the jump host to the VMs' SSH, "127.0.0.1:PORT", and its host key "ssh-ed25519 AAAA...". */
  AMLVNET_SSH_JUMP_HOST?: string;
  AMLVNET_SSH_JUMP_HOST_KEY?: string;
  /**
   * A workload identity federation service connection the sandbox trusts (its app is AZURE_CLIENT_ID), and what a
   * job hands the task for it: the OIDC request URI (System.OidcRequestUri) and the job's access token, under the
   * name the agent gives it to tasks (the SystemVssConnection endpoint's AccessToken parameter).
   */
  AMLVNET_WIF_SERVICE_CONNECTION_ID: string;
  SYSTEM_OIDCREQUESTURI: string;
  ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: string;
}

/** The sandbox's own workload identity federation connection (fixed, so scripts can name it). */
export const SANDBOX_WIF_CONNECTION = { id: "3f2c1b0a-9e8d-4c7b-a6f5-0e1d2c3b4a59", name: "amlvnet-sandbox-wif", project: "project-1" } as const;

export interface RunningSandbox {
  origin: string;
  env: SandboxEnv;
  directory: SandboxDirectory;
  authority: TokenAuthority;
  arm: ArmService;
  devops: DevOpsState;
  /** Azure DevOps as the OIDC issuer of workload identity federation service connections. */
  oidc: DevOpsOidcIssuer;
  /** Azure ML data-plane state: published pipelines, pipeline endpoints, runs and v2 jobs' run records. */
  aml: AmlState;
  /** Drives the sandbox's own ARM API in-process (scenarios, test set-up). */
  armClient: InProcessArmClient;
  /** The VMs from the inside: extension runs, their directories and argv logs, the agent package and sessions. */
  vmAgent: VmAgent;
  /** When VM extensions run: SSH to the VMs through the jump host (sandbox/vm-agent/README.md, "SSH"). */
  ssh?: SandboxSsh;
  /** The remote addresses of every TCP connection accepted so far (tests prove traffic went through a proxy). */
  clientAddresses(): string[];
  /** DNS on 127.0.0.1 as Azure DNS answers inside one VNet (sandbox/dns). */
  dns: SandboxDns;
  /** The scenario's workspace and VNets (undefined for "empty"). */
  scenarioIds?: ScenarioIds;
  /** Loopback listeners standing in for the services behind the private endpoints (IP:443, and :445 for files). */
  endpointStandIns: EndpointStandIns;
  close(): Promise<void>;
}

/** The plan and job the sandbox's job access token stands for (the OIDC route takes any). */
const SANDBOX_JOB = { planId: "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a", jobId: "12f0e9d8-c7b6-4a59-8e7d-6c5b4a392817" } as const;

export const DEFAULT_STATE_DIR = join(tmpdir(), "amlvnet-sandbox");

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const seed = options.seed ?? 1;
  const random = new SeededRandom(seed);
  const faultRandom = new SeededRandom(seed ^ 0x5eed);
  const directory = new SandboxDirectory(random);
  const authority = new TokenAuthority(directory);
  const aml = new AmlState(options.lroMs ?? 0);
  const arm = new ArmService(directory, authority, createTypeRegistry(directory.tenantId, aml), random, {
    lroMs: options.lroMs ?? 0,
    pageSize: options.pageSize ?? 50,
  });
  const devops = createDevOpsHandler(directory, random);
  const oidc = new DevOpsOidcIssuer(directory, authority);
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
  const tls = prepareTls(stateDir);
  const vmAgent = new VmAgent({
    arm,
    devops: devops.state,
    directory,
    stateDir,
    caPem: tls.caCertPem,
    runExtensions: options.runExtensions ?? false,
    timeoutMs: options.extensionTimeoutMs ?? 90 * 60 * 1000,
  });
  const ssh = options.runExtensions ? new SandboxSsh({ store: arm.store, runAsAdmin: (target, command) => vmAgent.runAsAdmin(target, command) }) : undefined;
  const bootDiagnostics = new BootDiagnostics(arm.store, (machine) => ssh?.bootOf(machine));
  installComputeSshHooks(arm.types, bootDiagnostics, ssh);
  const endpointStandIns = new EndpointStandIns(arm.store);
  const isEntra = (path: string) => /\/(oauth2|discovery|v2\.0)\//.test(path) || path.endsWith("openid-configuration");
  const { server, origin } = await startHttpsServer({
    port: options.port ?? 0,
    latencyMs: options.latencyMs ?? 0,
    tls,
    // The AML handler goes before ARM: it also answers the v2 job cancel action, which ARM's resource routes do not.
    handlers: [
      bootDiagnostics.handler(),
      cloudMetadataHandler(),
      instanceMetadataHandler(arm.store),
      scaleSetNicHandler(arm),
      vmAgent.handler(),
      endpointStandIns.handler(),
      createEntraHandler(directory, authority),
      createAmlHandler({ state: aml, arm, authority, directory }),
      (req) => arm.handle(req),
      oidc.handler(),
      devops.handler,
    ],
    faults: new FaultInjector(options.faultRate ?? 0, faultRandom),
    // The stand-in map is the sandbox's own plumbing, not an Azure API: never a fault.
    faultExempt: (path) => isEntra(path) || path === STAND_INS_PATH,
    bodyNotLogged: isEntra,
    // Secrets the sandbox issued are scrubbed from logged bodies too, wherever they appear (a PAT in a script, say).
    log: new RequestLog(options.requestLog, () => [
      ...directory.pats.keys(),
      ...[...directory.apps.values()].flatMap((app) => app.secrets.map((secret) => secret.value)),
    ]),
    subscriptionId: directory.subscriptionId,
  });
  const clientAddresses = new Set<string>();
  server.on("connection", (socket: Socket) => clientAddresses.add(socket.remoteAddress ?? ""));
  vmAgent.attach(origin);
  await ssh?.start();
  oidc.registerServiceConnection({ ...SANDBOX_WIF_CONNECTION, app: directory.defaultApp });
  const devopsOrgUrl = `${origin}/${directory.devopsOrganization}`;
  const armClient = new InProcessArmClient(arm, authority, directory, origin);
  new ElasticPoolAgents(arm, armClient, devops.state, `${origin}/${directory.devopsOrganization}`, vmAgent.agentPackageUrl);
  if (options.scenario && options.scenario !== "empty") buildScenario(options.scenario, armClient, directory);
  if (options.scenario === "reference") {
    seedReferencePipelines(aml, directory.subscriptionId);
    seedReferenceComponents(armClient, directory.subscriptionId);
  }
  const ids = scenarioIds(options.scenario ?? "empty", directory.subscriptionId);
  let dns: SandboxDns;
  try {
    dns = await startSandboxDns(arm.store, options.dnsVnetId ?? ids?.agentVnetId, options.dnsPort ?? 0);
  } catch (error) {
    // A DNS port already taken: nothing of this start stays behind (listeners, SSH servers, the VMs' directories).
    await ssh?.close();
    await vmAgent.close();
    await closeServer(server);
    throw error;
  }
  return {
    origin,
    env: {
      AZURE_AUTHORITY_HOST: origin,
      AZURE_TENANT_ID: directory.tenantId,
      AZURE_CLIENT_ID: directory.defaultApp.clientId,
      AZURE_CLIENT_SECRET: directory.defaultApp.secrets[0].value,
      AZURE_SUBSCRIPTION_ID: directory.subscriptionId,
      AMLVNET_ARM_ENDPOINT: origin,
      AZURE_DEVOPS_ORG_URL: devopsOrgUrl,
      AZURE_DEVOPS_EXT_PAT: directory.defaultPat.token,
      NODE_EXTRA_CA_CERTS: tls.caCertPath,
      ...(options.runExtensions ? { AMLVNET_AGENT_DOWNLOAD_URL: vmAgent.agentPackageUrl } : {}),
      AMLVNET_WIF_SERVICE_CONNECTION_ID: SANDBOX_WIF_CONNECTION.id,
      SYSTEM_OIDCREQUESTURI: `${devopsOrgUrl}/${SANDBOX_WIF_CONNECTION.project}/_apis/distributedtask/hubs/build/plans/${SANDBOX_JOB.planId}/jobs/${SANDBOX_JOB.jobId}/oidctoken`,
      ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: oidc.issueJobAccessToken(),
      ...(ssh ? { AMLVNET_SSH_JUMP_HOST: `${ssh.jumpHost.host}:${ssh.jumpHost.port}`, AMLVNET_SSH_JUMP_HOST_KEY: ssh.jumpHost.hostKey } : {}),
    },
    directory,
    authority,
    arm,
    devops: devops.state,
    oidc,
    aml,
    armClient,
    vmAgent,
    ssh,
    clientAddresses: () => [...clientAddresses],
    dns,
    scenarioIds: ids,
    endpointStandIns,
    close: async () => {
      await dns.close();
      await endpointStandIns.close();
      await ssh?.close();
      await vmAgent.close();
      await closeServer(server);
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
