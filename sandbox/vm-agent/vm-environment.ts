import { join } from "node:path";
import { imdsEndpointFor } from "../arm/instance-metadata";
import type { VmFiles, VmTarget } from "./vm-files";
import type { HostTools } from "./vm-process";

/**
 * The environment every process a sandbox VM runs starts with (a Custom Script, an SSH command): the VM's paths,
 * the sandbox CA, proxies that lead nowhere but loopback, argv recording without strace, and who the process is on
 * the VM (AMLVNET_VM_UID/USER, HOME), which the sudo shim reads and changes.
 */

export interface VmProcessContext {
  origin: string;
  tools: HostTools;
  files: VmFiles;
}

/** A user on the VM. The admin's uid is the one the sudo shim gives `sudo -u <admin>` (1000, as on Azure images). */
export interface VmUser {
  uid: number;
  name: string;
  home: string;
}

export const ADMIN_UID = 1000;

/** A dead proxy for everything but loopback: curl, wget and apt on a sandbox VM reach only the sandbox. */
const NOWHERE_PROXY = "http://127.0.0.1:9";

export function rootUser(vmDir: string): VmUser {
  return { uid: 0, name: "root", home: join(vmDir, "root") };
}

export function adminUser(vmDir: string, target: VmTarget): VmUser {
  return { uid: ADMIN_UID, name: target.adminUser, home: join(vmDir, "home", target.adminUser) };
}

export function vmEnvironment(
  ctx: VmProcessContext,
  target: VmTarget,
  paths: { vmDir: string; caPath: string },
  user: VmUser,
  traceLog: string,
): Record<string, string> {
  const { tools, files } = ctx;
  const path = [files.shimBin, ...(tools.strace ? [] : [files.traceShims]), ...tools.realPath].join(":");
  return {
    PATH: path,
    HOME: user.home,
    LANG: "C.UTF-8",
    TMPDIR: join(paths.vmDir, "tmp"),
    AMLVNET_SANDBOX_ORIGIN: ctx.origin,
    AMLVNET_SANDBOX_CA: paths.caPath,
    CURL_CA_BUNDLE: paths.caPath,
    SSL_CERT_FILE: paths.caPath,
    NODE_EXTRA_CA_CERTS: paths.caPath,
    HTTPS_PROXY: NOWHERE_PROXY,
    HTTP_PROXY: NOWHERE_PROXY,
    https_proxy: NOWHERE_PROXY,
    http_proxy: NOWHERE_PROXY,
    NO_PROXY: "127.0.0.1,localhost,::1",
    no_proxy: "127.0.0.1,localhost,::1",
    AMLVNET_VM_ROOT: paths.vmDir,
    // The agent script installs into /opt/azagent on Azure; here, under the VM's own root.
    AMLVNET_AGENT_DIR: join(paths.vmDir, "opt", "azagent"),
    AMLVNET_VM_ID: target.vmId,
    AMLVNET_IMDS_ENDPOINT: imdsEndpointFor(ctx.origin, target.vmId),
    AMLVNET_VM_COMPUTER_NAME: target.computerName,
    AMLVNET_VM_ADMIN: target.adminUser,
    AMLVNET_VM_UID: String(user.uid),
    AMLVNET_VM_USER: user.name,
    ...(tools.strace ? {} : { AMLVNET_REAL_PATH: tools.realPath.join(":"), AMLVNET_ARGV_LOG: traceLog }),
  };
}
