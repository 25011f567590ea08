import type { ProxySettings } from "@azure/core-rest-pipeline";
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
  // One decision per origin: the bypass list is matched against the URL, and every path of an origin goes the same way.
  const decided = new Map<string, ProxySettings | undefined>();
  return (url) => {
    const origin = new URL(url).origin;
    if (decided.has(origin)) return decided.get(origin);
    const config = tl.getHttpProxyConfiguration(origin);
    const settings = config ? proxySettings(config.proxyUrl, config.proxyUsername, config.proxyPassword) : undefined;
    if (settings?.password) tl.setSecret(settings.password);
    tl.debug(`agent proxy: ${origin} ${settings ? `through ${proxyUrlOf(settings)}` : "direct (Agent.ProxyBypassList)"}`);
    decided.set(origin, settings);
    return settings;
  };
}
