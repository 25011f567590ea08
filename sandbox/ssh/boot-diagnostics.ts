import { randomBytes } from "node:crypto";
import { ArmError } from "../arm/arm-error";
import { propertiesOf } from "../arm/types/wire";
import type { ResourceAction } from "../arm/resource-type";
import type { ResourceStore } from "../arm/store";
import { Handler, json, SandboxRequest, SandboxResponse } from "../http/message";
import { consoleScreenshot } from "./console-screenshot";
import type { HostKey } from "./host-key";
import { Machine, machineById, machineOf } from "./machines";
import { serialConsoleLog } from "./serial-log";

/**
 * Boot diagnostics with managed storage. POST .../retrieveBootDiagnosticsData (virtualMachines/{vm} and
 * virtualMachineScaleSets/{ss}/virtualMachines/{id}) answers `{consoleScreenshotBlobUri, serialConsoleLogBlobUri}`,
 * SAS-style URIs on the sandbox's own origin: ${origin}/_bootdiag/<token>/<vm>.<vmId>.serialconsole.log?sv=...&se=...
 * They need no ARM token, only the unguessable one in the path, until `sasUriExpirationTimeInMinutes` (1-1440,
 * default 120) have passed or the VM is deleted. A VM without `diagnosticsProfile.bootDiagnostics.enabled` is refused.
 */

/** The VM's boot as its serial console shows it; undefined until it has booted (or when VMs do not run). */
export type BootOf = (machine: Machine) => { at: Date; hostKey: HostKey } | undefined;

interface Grant {
  vmId: string;
  blobName: string;
  expiresAt: number;
}

const PREFIX = "/_bootdiag/";
const DEFAULT_MINUTES = 120;

function expirationMinutes(value: string | null): number {
  if (value === null) return DEFAULT_MINUTES;
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    throw new ArmError(
      400,
      "InvalidParameter",
      `The value '${value}' of parameter 'sasUriExpirationTimeInMinutes' is out of range. It must be between 1 and 1440.`,
    );
  }
  return minutes;
}

/** An Azure Storage error, as the blob service sends it. */
function storageError(status: number, code: string, message: string): SandboxResponse {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nTime:${new Date().toISOString()}</Message></Error>`;
  return { status, headers: { "content-type": "application/xml", "x-ms-error-code": code }, body };
}

export class BootDiagnostics {
  private readonly grants = new Map<string, Grant>();

  constructor(
    private readonly store: ResourceStore,
    private readonly bootOf: BootOf,
  ) {}

  readonly retrieve: ResourceAction = (ctx, resource, req) => {
    const minutes = expirationMinutes(req.url.searchParams.get("sasUriExpirationTimeInMinutes"));
    const machine = machineOf(ctx.store, resource);
    if (!machine?.bootDiagnosticsEnabled) throw new ArmError(409, "OperationNotAllowed", "Boot diagnostics is not enabled for this VM.");
    this.dropExpired();
    const token = randomBytes(24).toString("base64url");
    const expiresAt = Date.now() + minutes * 60_000;
    const blobName = `${machine.target.dirName}.${String(propertiesOf(resource.body).vmId ?? "")}`;
    this.grants.set(token, { vmId: resource.id, blobName, expiresAt });
    const sas = new URLSearchParams({ sv: "2022-11-02", sr: "b", sp: "r", se: new Date(expiresAt).toISOString().replace(/\.\d+Z$/, "Z") });
    const blob = `${ctx.origin}${PREFIX}${token}/${encodeURIComponent(blobName)}`;
    return json(200, {
      consoleScreenshotBlobUri: `${blob}.screenshot.bmp?${sas.toString()}`,
      serialConsoleLogBlobUri: `${blob}.serialconsole.log?${sas.toString()}`,
    });
  };

  handler(): Handler {
    return (req) => (req.url.pathname.startsWith(PREFIX) ? this.serve(req) : undefined);
  }

  /** The VM or instance is deleted: its URIs lead nowhere any more. */
  forget(vmId: string): void {
    for (const [token, grant] of this.grants) if (grant.vmId.toLowerCase() === vmId.toLowerCase()) this.grants.delete(token);
  }

  private serve(req: SandboxRequest): SandboxResponse {
    if (req.method !== "GET") return storageError(405, "UnsupportedHttpVerb", "The resource doesn't support specified Http Verb.");
    const [token, file] = req.url.pathname.slice(PREFIX.length).split("/").map(decodeURIComponent);
    const grant = this.grants.get(token);
    if (!grant || grant.expiresAt <= Date.now()) {
      return storageError(
        403,
        "AuthenticationFailed",
        "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
      );
    }
    const machine = machineById(this.store, grant.vmId);
    if (machine && file === `${grant.blobName}.serialconsole.log`) {
      const log = serialConsoleLog({ computerName: machine.target.computerName, boot: this.bootOf(machine) });
      return { status: 200, headers: { "content-type": "text/plain; charset=utf-8", "x-ms-blob-type": "BlockBlob" }, body: log };
    }
    if (machine && file === `${grant.blobName}.screenshot.bmp`)
      return { status: 200, headers: { "content-type": "image/bmp", "x-ms-blob-type": "BlockBlob" }, body: consoleScreenshot() };
    return storageError(404, "BlobNotFound", "The specified blob does not exist.");
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const [token, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(token);
  }
}
