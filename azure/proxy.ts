import type { ProxySettings } from "@azure/core-rest-pipeline";

/**
 * The proxy to use for a URL, or undefined to connect directly. The task answers it from the agent's proxy
 * (tl.getHttpProxyConfiguration, which applies Agent.ProxyBypassList); without one, the Azure SDK pipelines read
 * HTTPS_PROXY / NO_PROXY themselves (core-rest-pipeline's proxyPolicy: NO_PROXY entries are exact host names or
 * ".suffix" patterns; loopback is NOT bypassed by default in 1.24 / ts-http-runtime, so a proxy on 127.0.0.1 sees
 * calls to 127.0.0.1 too).
 */
export type ProxyFor = (url: string) => ProxySettings | undefined;

/** ProxySettings from "http://user:pass@host:port" (credentials may also come separately, as the agent gives them). */
export function proxySettings(proxyUrl: string, username?: string, password?: string): ProxySettings {
  const url = new URL(proxyUrl);
  return {
    host: `${url.protocol}//${url.hostname}`,
    port: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
    username: username || decodeURIComponent(url.username) || undefined,
    password: password || decodeURIComponent(url.password) || undefined,
  };
}

/** A proxy URL in the form typed-rest-client and logs use: no credentials. */
export function proxyUrlOf(settings: ProxySettings): string {
  return `${settings.host}:${settings.port}`;
}
