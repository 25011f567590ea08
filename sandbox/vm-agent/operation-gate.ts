import type { Operation, OperationTracker } from "../arm/operations";
import type { ResourceStore } from "../arm/store";

/**
 * Makes a PUT's long-running operation last as long as the VM scripts it started: while they run the operation
 * stays InProgress (whatever --lro-ms says), it completes at the first poll after the last one finished, and a
 * failed script fails it with the extension's error (provisioningState Failed). Writes that start no operation
 * (PATCH, internal writes) get their provisioningState set when the scripts end.
 *
 * It wraps the tracker's `start` and `settle` (the ARM layer has no hook for this); `wait` must be called while the
 * request that starts the operation is being served, i.e. from a type's afterWrite.
 */

export interface GateFailure {
  code: string;
  message: string;
}

/** What `settle` fails an operation with (it reads `code` and `message`). */
class ProvisioningFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Hold {
  resourceId: string;
  pending: number;
  failure?: GateFailure;
  op?: Operation;
  dueAt: number;
  /** No operation waits for it (any more): the runs set the provisioningState themselves. */
  detached: boolean;
  done: boolean;
  ended: Promise<void>;
  end: () => void;
}

export class OperationGate {
  private readonly forming = new Map<string, Hold>();
  private readonly byOperation = new Map<string, Hold>();

  constructor(
    tracker: OperationTracker,
    private readonly store: ResourceStore,
  ) {
    const start = tracker.start.bind(tracker);
    tracker.start = (op) => this.attach(start(op));
    const settle = tracker.settle.bind(tracker);
    tracker.settle = (complete, all) => settle((op) => this.complete(op, complete), all);
  }

  /** The PUT operation on `resourceId` that the current request starts waits for `run` (undefined: it succeeded). */
  wait(resourceId: string, run: Promise<GateFailure | undefined>): void {
    const key = resourceId.toLowerCase();
    let hold = this.forming.get(key);
    if (!hold) {
      let end = () => undefined as void;
      const ended = new Promise<void>((resolve) => (end = resolve));
      const created: Hold = { resourceId, pending: 0, dueAt: 0, detached: false, done: false, ended, end };
      this.forming.set(key, created);
      setImmediate(() => this.unattached(key, created));
      hold = created;
    }
    const joined = hold;
    joined.pending++;
    void run.then((failure) => this.runEnded(joined, failure));
  }

  /** While the operation waits for scripts: a promise of their end (polls are answered then, or after a while). */
  waitingFor(operationId: string): Promise<void> | undefined {
    const hold = this.byOperation.get(operationId);
    return hold !== undefined && hold.pending > 0 ? hold.ended : undefined;
  }

  private attach(op: Operation): Operation {
    const hold = op.kind === "put" ? this.forming.get(op.resourceId.toLowerCase()) : undefined;
    if (!hold) return op;
    this.forming.delete(op.resourceId.toLowerCase());
    hold.op = op;
    hold.dueAt = op.completesAt;
    if (hold.pending > 0) op.completesAt = Number.POSITIVE_INFINITY;
    this.byOperation.set(op.id, hold);
    return op;
  }

  private unattached(key: string, hold: Hold): void {
    if (this.forming.get(key) !== hold) return;
    this.forming.delete(key);
    hold.detached = true;
    if (hold.pending === 0) this.finishDetached(hold);
  }

  private runEnded(hold: Hold, failure: GateFailure | undefined): void {
    hold.failure = hold.failure ?? failure;
    if (--hold.pending > 0) return;
    hold.end();
    if (hold.op && hold.op.status === "InProgress") hold.op.completesAt = Math.max(hold.dueAt, Date.now());
    else if (hold.detached) this.finishDetached(hold);
  }

  private complete(op: Operation, complete: (op: Operation) => void): void {
    const hold = this.byOperation.get(op.id);
    if (hold) {
      this.byOperation.delete(op.id);
      if (hold.pending > 0) {
        // Settled before its scripts ended (the sandbox completing everything at once): they finish it later.
        hold.detached = true;
      } else if (hold.failure) {
        hold.done = true;
        this.setState(op.resourceId, "Failed");
        throw new ProvisioningFailure(hold.failure.code, hold.failure.message);
      }
    }
    complete(op);
  }

  private finishDetached(hold: Hold): void {
    if (hold.done) return;
    hold.done = true;
    this.setState(hold.resourceId, hold.failure ? "Failed" : "Succeeded");
  }

  private setState(resourceId: string, state: "Succeeded" | "Failed"): void {
    const resource = this.store.getResource(resourceId);
    if (resource) this.store.setProvisioningState(resource, state);
  }
}
