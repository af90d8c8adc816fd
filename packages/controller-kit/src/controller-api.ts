/**
 * The public shapes around a `Controller`: its options, the event it emits after every pass (for
 * status recording and tests), its lifecycle state, what `stop()` reports, and the log line each
 * outcome writes.
 */
import type { BackoffOptions } from './backoff.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { ReconcileMetrics } from './metrics.js';
import type { ReconcileOutcome, Reconciler } from './reconciler.js';

export interface ControllerOptions {
  /** Stable name; the `controller` label and log key. */
  name: string;
  reconciler: Reconciler;
  /** Passes run at once (different keys). Default 1. */
  concurrency?: number;
  /** Deadline of one pass, after which its signal aborts. Default 5 min; 0 disables it. */
  timeoutMs?: number;
  /** How long `stop()` waits for in-flight passes before aborting them. Default 30 s. */
  stopTimeoutMs?: number;
  /** How long `stop()` waits for aborted passes to settle before giving up on them. Default 1 s. */
  abortGraceMs?: number;
  backoff?: BackoffOptions;
  clock?: Clock;
  logger?: Logger;
  /** Shared metrics (one per registry); a private registry is used when omitted. */
  metrics?: ReconcileMetrics;
}

/** What observers learn about each finished pass. */
export interface ReconcileEvent {
  controller: string;
  key: string;
  reconcileId: string;
  outcome: ReconcileOutcome;
  durationMs: number;
  /** The failure for `error`, `terminal` and `timeout`. */
  error?: Error;
  /** When the key runs again by itself: the poll delay or the backoff delay. */
  nextRunInMs?: number;
  /** Consecutive failures of the key after this pass (0 after success, requeue or terminal). */
  failures: number;
}

export type ReconcileListener = (event: ReconcileEvent) => void;
export type ControllerState = 'stopped' | 'running' | 'stopping';

export interface StopOptions {
  /** Overrides `stopTimeoutMs` for this stop; 0 aborts in-flight passes at once. */
  timeoutMs?: number;
}

export interface StopReport {
  /** Keys whose passes were still running at the deadline and got their signal aborted. */
  aborted: string[];
  /** Aborted keys that had not settled after the grace period; they stay locked until they do. */
  abandoned: string[];
}

/** One log line per pass: debug for success, warn for retries, error for terminal failures. */
export function logOutcome(logger: Logger, event: ReconcileEvent): void {
  const fields = { outcome: event.outcome, durationMs: event.durationMs };
  if (event.outcome === 'success') logger.debug(fields, 'reconciled');
  else if (event.outcome === 'requeue') {
    logger.debug({ ...fields, requeueAfterMs: event.nextRunInMs }, 'reconciled; requeued');
  } else if (event.outcome === 'terminal') {
    logger.error({ ...fields, err: event.error }, 'reconcile failed terminally; not retrying');
  } else {
    const retry = { ...fields, err: event.error, retryInMs: event.nextRunInMs };
    logger.warn({ ...retry, failures: event.failures }, 'reconcile failed; retrying with backoff');
  }
}

/** Calls every listener with `value`; a listener that throws is logged and the rest still run. */
export function callListeners<T>(
  listeners: Iterable<(value: T) => void>,
  value: T,
  logger: Logger,
  message: string,
): void {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (err) {
      logger.error({ err }, message);
    }
  }
}
