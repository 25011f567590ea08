import assert from "node:assert/strict";
import { classifyTcpError, describeTcp, probeTcp, type ConnectTo } from "../../../readiness/probe/tcp";
import { closedPort, listen, type LoopbackListener } from "./listeners";

describe("readiness/probe/tcp", () => {
  let open: LoopbackListener;
  let closed: number;
  before(async () => {
    open = await listen("127.0.0.1");
    closed = await closedPort();
  });
  after(async () => open?.close());

  it("connects to a listening port", async () => {
    const result = await probeTcp("127.0.0.1", open.port, 1000);
    assert.equal(result.ok, true);
    assert.equal(result.error, undefined);
    assert.ok(result.ms >= 0 && result.ms < 1000);
  });

  it("maps a private IP through connectTo, so tests stay on loopback", async () => {
    const seen: string[] = [];
    const connectTo: ConnectTo = (ip, port) => {
      seen.push(`${ip}:${port}`);
      return { host: "127.0.0.1", port: open.port };
    };
    assert.equal((await probeTcp("10.10.2.4", 443, 1000, connectTo)).ok, true);
    assert.deepEqual(seen, ["10.10.2.4:443"]);
  });

  it("says 'refused' when nothing listens", async () => {
    const result = await probeTcp("127.0.0.1", closed, 1000);
    assert.deepEqual({ ok: result.ok, error: result.error, code: result.code }, { ok: false, error: "refused", code: "ECONNREFUSED" });
    assert.match(describeTcp(result), /^refused after \d+ ms$/);
  });

  it("never rejects, even when connectTo throws", async () => {
    const result = await probeTcp("10.10.2.4", 443, 1000, () => {
      throw Object.assign(new Error("no route"), { code: "EHOSTUNREACH" });
    });
    assert.deepEqual({ ok: result.ok, error: result.error }, { ok: false, error: "unreachable" });
  });

  it("maps system error codes to short words", () => {
    assert.equal(classifyTcpError("ECONNREFUSED"), "refused");
    assert.equal(classifyTcpError("ETIMEDOUT"), "timeout");
    assert.equal(classifyTcpError("EHOSTUNREACH"), "unreachable");
    assert.equal(classifyTcpError("ENETUNREACH"), "unreachable");
    assert.equal(classifyTcpError("ECONNRESET"), "reset");
    assert.equal(classifyTcpError("EWHATEVER"), "error");
    assert.equal(describeTcp({ ok: false, ms: 3, error: "error", code: "EACCES" }), "EACCES after 3 ms");
    assert.equal(describeTcp({ ok: true, ms: 2 }), "connected in 2 ms");
  });
});
