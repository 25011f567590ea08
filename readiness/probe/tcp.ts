import net from "node:net";

/**
 * Where a connection to `ip:port` really goes. Production uses {@link directConnect}; tests map private IPs such
 * as 10.10.2.4 to loopback listeners so nothing leaves the machine.
 */
export type ConnectTo = (ip: string, port: number) => { host: string; port: number };

export const directConnect: ConnectTo = (ip, port) => ({ host: ip, port });

/** Why a TCP connection failed, in one short word. */
export type TcpFailure = "refused" | "timeout" | "unreachable" | "reset" | "error";

export interface TcpResult {
  ok: boolean;
  /** Milliseconds until connected or failed. */
  ms: number;
  error?: TcpFailure;
  /** The system error code behind `error` (ECONNREFUSED, EHOSTUNREACH, …), when there is one. */
  code?: string;
}

export const DEFAULT_TCP_TIMEOUT_MS = 3000;

/** Opens a TCP connection to `host:port` and closes it at once; never rejects. */
export function probeTcp(host: string, port: number, timeoutMs: number = DEFAULT_TCP_TIMEOUT_MS, connectTo: ConnectTo = directConnect): Promise<TcpResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  return new Promise<TcpResult>((resolve) => {
    let socket: net.Socket | undefined;
    let settled = false;
    const finish = (result: TcpResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(result);
    };
    const fail = (error: unknown): void => {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      finish({ ok: false, ms: elapsed(), error: classifyTcpError(code), ...(code ? { code } : {}) });
    };
    const timer = setTimeout(() => finish({ ok: false, ms: elapsed(), error: "timeout", code: "ETIMEDOUT" }), timeoutMs);
    try {
      const target = connectTo(host, port);
      socket = net.connect({ host: target.host, port: target.port });
      socket.once("connect", () => finish({ ok: true, ms: elapsed() }));
      socket.on("error", fail);
    } catch (error) {
      fail(error);
    }
  });
}

export function classifyTcpError(code: string | undefined): TcpFailure {
  switch (code) {
    case "ECONNREFUSED":
      return "refused";
    case "ETIMEDOUT":
      return "timeout";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EHOSTDOWN":
    case "ENETDOWN":
      return "unreachable";
    case "ECONNRESET":
    case "EPIPE":
      return "reset";
    default:
      return "error";
  }
}

/** "connected in 12 ms", "refused after 1 ms", "timeout after 3000 ms". */
export function describeTcp(result: TcpResult): string {
  if (result.ok) return `connected in ${result.ms} ms`;
  const word = result.error === "error" && result.code ? result.code : (result.error ?? "error");
  return `${word} after ${result.ms} ms`;
}
