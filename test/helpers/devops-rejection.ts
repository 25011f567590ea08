import assert from "node:assert/strict";

/** What azure-devops-node-api (typed-rest-client) rejects with on a non-2xx answer. */
export type RestError = Error & { statusCode?: number; result?: { typeKey?: string; message?: string }; responseHeaders?: Record<string, string> };

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<RestError> {
  try {
    await promise;
  } catch (error) {
    return error as RestError;
  }
  assert.fail("expected the call to be rejected");
}
