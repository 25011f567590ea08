import { ClientSecretCredential } from "@azure/identity";
import type { AmlDeps, AmlWorkspaceRef } from "../../aml";
import { cloudEndpoints } from "../../azure/cloud";
import type { RunningSandbox } from "../../sandbox/sandbox";
import { referenceNames } from "../../sandbox/scenarios/reference-topology";
import { startTestSandbox } from "../helpers/sandbox-harness";

/** The reference workspace as the task would read it from ARM. */
export function referenceWorkspace(sandbox: RunningSandbox): AmlWorkspaceRef {
  const n = referenceNames(sandbox.env.AZURE_SUBSCRIPTION_ID);
  return {
    id: `/subscriptions/${n.subscriptionId}/resourceGroups/${n.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${n.workspace}`,
    name: n.workspace,
    location: n.location,
    discoveryUrl: `${sandbox.origin}/aml/${n.location}/discovery`,
  };
}

export interface AmlFixture {
  sandbox: RunningSandbox;
  deps: AmlDeps;
  workspace: AmlWorkspaceRef;
}

/** A sandbox on the reference scenario whose AML runs take `lroMs` to finish, with the deps and workspace to trigger them. */
export async function startAmlSandbox(lroMs: number): Promise<AmlFixture> {
  const sandbox = await startTestSandbox({ scenario: "reference", lroMs });
  return { sandbox, deps: amlDeps(sandbox), workspace: referenceWorkspace(sandbox) };
}

export function credentialFor(
  sandbox: RunningSandbox,
  clientId = sandbox.env.AZURE_CLIENT_ID,
  secret = sandbox.env.AZURE_CLIENT_SECRET,
): ClientSecretCredential {
  return new ClientSecretCredential(sandbox.env.AZURE_TENANT_ID, clientId, secret, {
    authorityHost: sandbox.env.AZURE_AUTHORITY_HOST,
    disableInstanceDiscovery: true,
  });
}

/** AmlDeps with real Entra tokens from the sandbox (the default service principal unless another credential is given). */
export function amlDeps(sandbox: RunningSandbox, credential = credentialFor(sandbox)): AmlDeps {
  const cloud = cloudEndpoints("AzureCloud", { armEndpoint: sandbox.env.AMLVNET_ARM_ENDPOINT });
  return {
    armEndpoint: sandbox.env.AMLVNET_ARM_ENDPOINT,
    studio: cloud.amlStudio,
    apiSuffix: cloud.amlApiSuffix,
    getToken: async (scope) => {
      const token = await credential.getToken(scope);
      if (!token) throw new Error(`no token for ${scope}`);
      return token.token;
    },
  };
}

export const FAST_WAIT = { timeoutMs: 20_000, pollIntervalMs: 40 };
