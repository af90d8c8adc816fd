/**
 * Following a long action to its end. The operation record is the source of truth and is polled;
 * the cluster's event stream gives live progress and wakes the poller early, so the caller learns
 * of the end as soon as the event announcing it arrives (see operation-events.ts). A broken or
 * refused stream (the cluster is gone after a delete) only costs liveness, never correctness.
 */
import type { ClusterEvent, Operation } from '@berth/api-types';
import { OperationEvents, type EventSource } from './operation-events.js';

/** What waiting needs from a client; `BerthClient` provides it. */
export interface OperationSource extends EventSource {
  getOperation(id: string, signal: AbortSignal): Promise<Operation>;
  /**
   * Why the operation's target cannot get where the operation waits for it to go — the target,
   * or its cluster, failed terminally (phase `Error`) after seeing the request — or undefined.
   */
  blockedTarget?(op: Operation, signal: AbortSignal): Promise<string | undefined>;
}

export interface WaitOptions {
  /**
   * Called once per event of the operation (or of its cluster, recorded since it began and
   * naming no other operation), in order: live while it runs, and any the stream missed once it
   * ended (not after a timeout or abort).
   */
  onEvent?: (event: ClusterEvent) => void;
  /** Called with every operation read whose phase, progress or message changed. */
  onOperation?: (operation: Operation) => void;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** How often the operation is read when no event wakes the poller earlier; default 2 s. */
  pollIntervalMs?: number;
}

/** The operation ended `Failed`; `code` and `message` are its error's. */
export class OperationFailedError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  constructor(readonly operation: Operation) {
    super(operation.error?.detail || operation.message || `operation ${operation.id} failed`);
    this.name = 'OperationFailedError';
    this.code = operation.error?.code ?? 'BERTH_ERR_TERMINAL';
    this.field = operation.error?.field;
  }
}

/**
 * The operation is still open, but its target (or the target's cluster) is in `Error`, so it
 * cannot finish until someone changes something; waiting longer would only hang.
 */
export class TargetFailedError extends Error {
  constructor(
    readonly operation: Operation,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'TargetFailedError';
  }
}

/** The operation did not end within `timeoutMs`; it may still finish later. */
export class WaitTimeoutError extends Error {
  constructor(
    readonly operationId: string,
    readonly timeoutMs: number,
    readonly operation: Operation | undefined,
  ) {
    super(`operation ${operationId} did not finish within ${formatMs(timeoutMs)}`);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Resolves with the operation once it `Succeeded`. Throws `OperationFailedError` when it
 * `Failed`, `TargetFailedError` at once when its target (or the target's cluster) is in `Error`,
 * `WaitTimeoutError` after `timeoutMs`, the signal's reason when aborted, and `ApiError` when
 * the operation cannot be read (after the transport's retries).
 */
export async function waitForOperation(
  source: OperationSource,
  id: string,
  options: WaitOptions = {},
): Promise<Operation> {
  options.signal?.throwIfAborted();
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => ((timedOut = true), stop.abort()), options.timeoutMs);
  const wake = new Wakeup();
  const report = reporter(options.onOperation);
  // The final read is reported after the events that led to it, so output reads in order.
  const reportRunning = (read: Operation) => (isFinished(read) ? read : report(read));
  const events = new OperationEvents(source, options.onEvent);
  let op: Operation | undefined;
  try {
    op = reportRunning(await source.getOperation(id, stop.signal));
    if (!isFinished(op)) events.follow(op, stop.signal, () => wake.fire());
    while (!isFinished(op)) {
      const blocked = await source.blockedTarget?.(op, stop.signal);
      if (blocked !== undefined) throw new TargetFailedError(op, blocked);
      await wake.wait(options.pollIntervalMs ?? 2_000, stop.signal);
      op = reportRunning(await source.getOperation(id, stop.signal));
    }
  } catch (err) {
    if (timedOut) throw new WaitTimeoutError(id, options.timeoutMs ?? 0, op);
    if (options.signal?.aborted) throw options.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    stop.abort();
    options.signal?.removeEventListener('abort', onAbort);
  }
  await events.catchUp(op, options.signal);
  report(op);
  if (op.phase === 'Failed') throw new OperationFailedError(op);
  return op;
}

function isFinished(op: Operation): boolean {
  return op.phase === 'Succeeded' || op.phase === 'Failed';
}

function reporter(onOperation: WaitOptions['onOperation']) {
  let last = '';
  return (op: Operation): Operation => {
    const key = `${op.phase}\0${op.progress}\0${op.message}`;
    if (key !== last) onOperation?.(op);
    last = key;
    return op;
  };
}

/** A sleep that `fire()` cuts short; a fire while nobody sleeps makes the next sleep instant. */
class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;

  fire(): void {
    if (this.resolve) this.resolve();
    else this.pending = true;
  }

  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        this.resolve = undefined;
      };
      const aborted = () => (done(), reject(signal.reason));
      const timer = setTimeout(() => (done(), resolve()), ms);
      this.resolve = () => (done(), resolve());
      signal.addEventListener('abort', aborted, { once: true });
    });
  }
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
