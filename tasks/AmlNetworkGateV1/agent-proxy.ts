import * as tl from "azure-pipelines-task-lib/task";
import { ProxyFor, proxySettings, proxyUrlOf } from "../../azure/proxy";

/**
 * The agent's proxy (Agent.ProxyUrl, credentials and bypass list, as `config.sh --proxyurl` set them) for every call
 * the task makes, through tl.getHttpProxyConfiguration, which applies the bypass list to each URL. Undefined when the
 * agent has no proxy: the SDK pipelines then read HTTPS_PROXY / NO_PROXY as the CLI does.
 */
export function agentProxyFor(): ProxyFor | undefined {
  if (!tl.getVariable("Agent.ProxyUrl")) {
    tl.debug("agent proxy: none (Agent.ProxyUrl is not set)");
    return undefined;
  }
  const decided = new Map<string, string>();
  return (url) => {
    const config = tl.getHttpProxyConfiguration(url);
    const settings = config ? proxySettings(config.proxyUrl, config.proxyUsername, config.proxyPassword) : undefined;
    if (settings?.password) tl.setSecret(settings.password);
    const host = new URL(url).host;
    const decision = settings ? `through ${proxyUrlOf(settings)}` : "direct (Agent.ProxyBypassList)";
    if (decided.get(host) !== decision) tl.debug(`agent proxy: ${host} ${decision}`);
    decided.set(host, decision);
    return settings;
  };
}
