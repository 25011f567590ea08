import type { ConnectTo } from "../../readiness/probe/tcp";
import type { StandIn } from "../../sandbox/probe/endpoint-stand-ins";

/** One entry of the sandbox's GET /_sandbox/private-endpoint-listeners, as the sandbox defines it. */
export type { StandIn };

/**
 * The probe's ConnectTo for a run against the sandbox: every private endpoint IP:port to its loopback stand-in.
 * Anything else (an address without a stand-in, a stand-in not on 127.0.0.0/8) fails without opening a connection,
 * so nothing ever goes to a 10.x address.
 */
export function standInConnectTo(standIns: StandIn[]): ConnectTo {
  const map = new Map(standIns.map((s) => [`${s.ip}:${s.port}`, s]));
  return (ip, port) => {
    const standIn = map.get(`${ip}:${port}`);
    if (!standIn || !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(standIn.host))
      throw Object.assign(new Error(`no loopback stand-in for ${ip}:${port}`), { code: "ENOSTANDIN" });
    return { host: standIn.host, port: standIn.listenPort };
  };
}
