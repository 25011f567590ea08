import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { AGENT_LISTENER, CONFIG_SH, ENV_SH, RUN_SH, RUNSVC_SH, SERVICE_TEMPLATE, TEE_LICENSE } from "./agent-scripts";
import { SVC_SH_TEMPLATE } from "./svc-script";

/**
 * The agent package the sandbox serves: a gzip'd tar laid out like vsts-agent-linux-x64-*.tar.gz (config.sh,
 * run.sh, env.sh at the top, bin/Agent.Listener and templates, externals/tee/license.html), built once at start
 * from the scripts and the compiled listener in ./package.
 */

interface Entry {
  path: string;
  mode: number;
  content?: Buffer;
}

/** Compiled files of ./package that the listener needs at run time. */
const LISTENER_MODULES = [
  "agent-listener.js",
  "agent-version.js",
  "listener-args.js",
  "listener-config.js",
  "listener-files.js",
  "listener-http.js",
  "listener-service.js",
];

function entries(): Entry[] {
  const text = (path: string, content: string, mode = 0o644): Entry => ({ path, mode, content: Buffer.from(content, "utf8") });
  const dir = (path: string): Entry => ({ path: `${path}/`, mode: 0o755 });
  return [
    text("config.sh", CONFIG_SH, 0o755),
    text("run.sh", RUN_SH, 0o755),
    text("env.sh", ENV_SH, 0o755),
    text("license.html", TEE_LICENSE),
    dir("bin"),
    text("bin/Agent.Listener", AGENT_LISTENER, 0o755),
    text("bin/runsvc.sh", RUNSVC_SH, 0o755),
    text("bin/systemd.svc.sh.template", SVC_SH_TEMPLATE),
    text("bin/vsts.agent.service.template", SERVICE_TEMPLATE),
    ...LISTENER_MODULES.map((name) => ({ path: `bin/${name}`, mode: 0o644, content: readFileSync(join(__dirname, "package", name)) })),
    dir("externals"),
    dir("externals/tee"),
    text("externals/tee/license.html", TEE_LICENSE),
  ];
}

function field(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, length, "utf8");
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, "0") + "\0";
}

/** One ustar header block (names here are short: no prefix field needed). */
function header(entry: Entry, mtime: number): Buffer {
  const block = Buffer.alloc(512);
  field(block, 0, 100, entry.path);
  field(block, 100, 8, octal(entry.mode, 8));
  field(block, 108, 8, octal(0, 8));
  field(block, 116, 8, octal(0, 8));
  field(block, 124, 12, octal(entry.content?.length ?? 0, 12));
  field(block, 136, 12, octal(mtime, 12));
  field(block, 148, 8, "        ");
  field(block, 156, 1, entry.content ? "0" : "5");
  field(block, 257, 6, "ustar\0");
  field(block, 263, 2, "00");
  field(block, 265, 32, "root");
  field(block, 297, 32, "root");
  let sum = 0;
  for (const byte of block) sum += byte;
  field(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

export function buildAgentPackage(): Buffer {
  const mtime = Math.floor(Date.now() / 1000);
  const blocks: Buffer[] = [];
  for (const entry of entries()) {
    blocks.push(header(entry, mtime));
    if (entry.content) {
      blocks.push(entry.content);
      const padding = (512 - (entry.content.length % 512)) % 512;
      if (padding) blocks.push(Buffer.alloc(padding));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
