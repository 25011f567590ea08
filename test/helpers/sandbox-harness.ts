import { RunningSandbox, SandboxOptions, startSandbox } from "../../sandbox/sandbox";

/**
 * Starts an in-process sandbox that reuses the CA the test runner created (scripts/run-tests.js), whose path the
 * runner put in NODE_EXTRA_CA_CERTS before Node started, so the real SDK clients in this process trust it.
 */
export async function startTestSandbox(options: Omit<SandboxOptions, "stateDir"> = {}): Promise<RunningSandbox> {
  const stateDir = process.env.AMLVNET_TEST_STATE_DIR;
  if (!stateDir || !process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error("AMLVNET_TEST_STATE_DIR / NODE_EXTRA_CA_CERTS are not set: run the tests with 'npm test' (scripts/run-tests.js)");
  }
  return startSandbox({ ...options, stateDir });
}
