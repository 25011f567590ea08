/**
 * The Azure Pipelines agent release the sandbox's agent package reports (a real 4.x number, so version checks in
 * scripts behave as with the real download). Files in this folder ship inside the package: Node built-ins only.
 */
export const AGENT_VERSION = "4.258.1";

/** File name of the package, as https://download.agent.dev.azure.com/agent/{version}/ names it. */
export const AGENT_PACKAGE_NAME = `vsts-agent-linux-x64-${AGENT_VERSION}.tar.gz`;
