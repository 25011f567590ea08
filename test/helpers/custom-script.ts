import assert from "node:assert/strict";
import type { VirtualMachineExtension } from "@azure/arm-compute";

/** A Custom Script extension (Microsoft.Azure.Extensions/CustomScript 2.1) with these settings. */
export function customScript(protectedSettings: Record<string, unknown>, settings: Record<string, unknown> = {}): VirtualMachineExtension {
  return {
    location: "westeurope",
    publisher: "Microsoft.Azure.Extensions",
    typePropertiesType: "CustomScript",
    typeHandlerVersion: "2.1",
    settings,
    protectedSettings,
  };
}

/** A failed long-running operation rejects (in @azure/core-lro) with "The long-running operation has failed. CODE. message". */
export async function operationFails(promise: Promise<unknown>, code: string): Promise<string> {
  const prefix = `The long-running operation has failed. ${code}. `;
  try {
    await promise;
  } catch (error) {
    const message = (error as Error).message;
    assert.ok(message.startsWith(prefix), message);
    return message.slice(prefix.length);
  }
  assert.fail(`expected the operation to fail with ${code}`);
}
