import type { LroStyle } from "./resource-type";

export interface Operation {
  id: string;
  resourceId: string;
  kind: "put" | "delete";
  style: LroStyle;
  namespace: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  apiVersion: string;
  startTime: string;
  completesAt: number;
  status: "InProgress" | "Succeeded" | "Failed";
  endTime?: string;
  error?: { code: string; message: string };
}

/**
 * Long-running operations. Each completes `lroMs` after it started; the sandbox applies due operations lazily at
 * the start of every request, so the outcome does not depend on timers.
 */
export class OperationTracker {
  private readonly operations = new Map<string, Operation>();

  constructor(private readonly lroMs: number) {}

  start(op: Omit<Operation, "startTime" | "completesAt" | "status">): Operation {
    const operation: Operation = { ...op, startTime: new Date().toISOString(), completesAt: Date.now() + this.lroMs, status: "InProgress" };
    this.operations.set(op.id, operation);
    return operation;
  }

  get(id: string): Operation | undefined {
    return this.operations.get(id);
  }

  /** The running operation on a resource, if any. */
  runningOn(resourceId: string): Operation | undefined {
    const lower = resourceId.toLowerCase();
    for (const op of this.operations.values()) if (op.status === "InProgress" && op.resourceId.toLowerCase() === lower) return op;
    return undefined;
  }

  /** Completes every due operation (every running one with `all`) through `complete`, oldest first; a throw fails it. */
  settle(complete: (op: Operation) => void, all = false): void {
    const now = all ? Number.POSITIVE_INFINITY : Date.now();
    const due = [...this.operations.values()].filter((op) => op.status === "InProgress" && op.completesAt <= now).sort((a, b) => a.completesAt - b.completesAt);
    for (const op of due) {
      try {
        complete(op);
        op.status = "Succeeded";
      } catch (error) {
        op.status = "Failed";
        const e = error as { code?: string; message?: string };
        op.error = { code: e.code ?? "InternalServerError", message: e.message ?? String(error) };
      }
      op.endTime = new Date().toISOString();
    }
  }

  retryAfterSeconds(): number {
    return Math.max(0, Math.ceil(this.lroMs / 1000));
  }

  /** The headers a write response carries for its operation, per provider style. */
  headers(op: Operation, origin: string): Record<string, string> {
    const base = `${origin}/subscriptions/${op.subscriptionId}`;
    const q = `api-version=${op.apiVersion}`;
    const retryAfter = String(this.retryAfterSeconds());
    switch (op.style) {
      case "privatedns": {
        const rg = `${base}/resourceGroups/${op.resourceGroup}/providers/Microsoft.Network`;
        return {
          "azure-asyncoperation": `${rg}/privateDnsOperationStatuses/${op.id}?${q}`,
          location: `${rg}/privateDnsOperationResults/${op.id}?${q}`,
          "retry-after": retryAfter,
        };
      }
      case "storage":
        return {
          location: `${base}/providers/Microsoft.Storage/locations/${op.location}/asyncoperations/${op.id}?monitor=true&${q}`,
          "retry-after": retryAfter,
        };
      case "sync":
        return {};
      default: {
        const ops = `${base}/providers/${op.namespace}/locations/${op.location}`;
        const headers: Record<string, string> = { "azure-asyncoperation": `${ops}/operations/${op.id}?${q}`, "retry-after": retryAfter };
        if (op.kind === "delete") headers.location = `${ops}/operationResults/${op.id}?${q}`;
        return headers;
      }
    }
  }
}
