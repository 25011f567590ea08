import { randomUUID } from "node:crypto";
import type { SeededRandom } from "./random";
import { json, SandboxResponse } from "./message";

export type Fault = { kind: "throttle"; response: SandboxResponse } | { kind: "server-error"; response: SandboxResponse } | { kind: "reset" };

/**
 * Chooses, reproducibly from the seed, which requests fail: with probability `rate`, one of a 429 with Retry-After,
 * a 500, or a connection reset (the three failures the SDKs' retry policies must ride out).
 */
export class FaultInjector {
  constructor(
    private readonly rate: number,
    private readonly random: SeededRandom,
  ) {}

  next(subscriptionId: string): Fault | undefined {
    if (this.rate <= 0 || this.random.next() >= this.rate) return undefined;
    const pick = this.random.next();
    if (pick < 1 / 3) {
      return {
        kind: "throttle",
        response: json(
          429,
          {
            error: {
              code: "SubscriptionRequestsThrottled",
              message: `Number of 'read' requests for subscription '${subscriptionId}' actor 'sandbox' exceeded. Please try again after '1' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
            },
          },
          { "retry-after": "1" },
        ),
      };
    }
    if (pick < 2 / 3) {
      const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15) + "Z";
      return {
        kind: "server-error",
        response: json(500, {
          error: {
            code: "InternalServerError",
            message: `Encountered internal server error. Diagnostic information: timestamp '${stamp}', subscription id '${subscriptionId}', tracking id '${randomUUID()}', request correlation id '${randomUUID()}'.`,
          },
        }),
      };
    }
    return { kind: "reset" };
  }
}
