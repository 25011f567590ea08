import { gunzipSync } from "node:zlib";
import { asObject } from "../arm/types/wire";

/**
 * The Custom Script extension (Microsoft.Azure.Extensions / CustomScript 2.x) reads its public and protected
 * settings as in Azure/custom-script-extension-linux (main/handlersettings.go): each of commandToExecute, script
 * and fileUris may come from either side but not both, exactly one of commandToExecute and script is required,
 * and a script is base64 (optionally gzip'd). Errors carry the extension's own wording.
 */

export const CSE_PUBLISHER = "Microsoft.Azure.Extensions";
export const CSE_TYPE = "CustomScript";

/** An extension failure: `message` goes after "Enable failed: " in the extension's status. */
export class CseError extends Error {}

export interface CseConfig {
  /** The shell text to run (commandToExecute, or the decoded script). */
  command: string;
  fileUris: string[];
}

export function isCustomScript(properties: unknown): boolean {
  const { publisher, type } = asObject(properties);
  return String(publisher ?? "").toLowerCase() === CSE_PUBLISHER.toLowerCase() && String(type ?? "").toLowerCase() === CSE_TYPE.toLowerCase();
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function uris(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => String(v)) : [];
}

function invalid(message: string): CseError {
  return new CseError(`failed to get configuration: invalid configuration: ${message}`);
}

export function decodeScript(script: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(script.replace(/\s+/g, ""))) throw new CseError("failed to decode script: illegal base64 data");
  const bytes = Buffer.from(script, "base64");
  if (bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes).toString("utf8");
    } catch (error) {
      throw new CseError(`failed to decompress script: ${(error as Error).message}`);
    }
  }
  return bytes.toString("utf8");
}

export function parseCseSettings(settings: unknown, protectedSettings: unknown): CseConfig {
  const pub = asObject(settings);
  const prot = asObject(protectedSettings);
  const command = { pub: text(pub.commandToExecute), prot: text(prot.commandToExecute) };
  const script = { pub: text(pub.script), prot: text(prot.script) };
  const files = { pub: uris(pub.fileUris), prot: uris(prot.fileUris) };
  if (!command.pub && !command.prot && !script.pub && !script.prot) throw invalid("'commandToExecute' is not specified");
  if (command.pub && command.prot) throw invalid("'commandToExecute' was specified both in public and protected settings; it must be specified only once");
  if (script.pub && script.prot) throw invalid("'script' was specified both in public and protected settings; it must be specified only once");
  if (files.pub.length > 0 && files.prot.length > 0)
    throw invalid("'fileUris' were specified both in public and protected settings; it must be specified only once");
  if ((command.pub || command.prot) && (script.pub || script.prot))
    throw invalid("'commandToExecute' and 'script' were both specified, but only one is validate at a time");
  if (Boolean(prot.storageAccountName) !== Boolean(prot.storageAccountKey))
    throw invalid("both 'storageAccountName' and 'storageAccountKey' must be specified");
  const fileUris = files.pub.length > 0 ? files.pub : files.prot;
  if (command.pub || command.prot) return { command: command.pub || command.prot, fileUris };
  return { command: decodeScript(script.pub || script.prot), fileUris };
}
