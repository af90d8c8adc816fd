import { BerthError, isBerthError, type ErrorCode } from '@berth/errors';

/** What a reconcile pass may ask for besides "done". */
export interface Result {
  /**
   * Run this key again after this many milliseconds (a poll), with no backoff and no error.
   * Must be a finite number ≥ 0; anything else is treated as a reconciler bug (outcome `error`).
   */
  requeueAfterMs?: number;
}

/**
 * The reconcile contract every Berth controller follows (controller-runtime's, in TypeScript).
 *
 * `reconcile(key, signal)` drives the world named by `key` toward its desired state. It is
 * level-triggered: it starts from the key alone, re-reads the current state of the world, and
 * never trusts a flag left by an earlier pass. It must be safe to run again at any point,
 * including after being interrupted half-way.
 *
 * - Resolves (with nothing or `{}`): success. The key is not run again until it is enqueued.
 * - Resolves `{ requeueAfterMs }`: success, and run again after that delay (poll for progress).
 * - Throws a retryable error (any non-terminal value, `Error` or not): the pass failed; the key
 *   is retried after a per-key exponential backoff with jitter, reset by the next success.
 * - Throws a terminal error (`TerminalError`, `terminal(err)`, or any `BerthError` with
 *   `retryable: false`): the key stops — no retry — until something enqueues it again.
 *   Report the reason through status conditions before throwing.
 * - `signal` aborts when the pass exceeds its timeout or the controller is stopping; pass it to
 *   every I/O call and return promptly once aborted. A pass still running at its deadline counts
 *   as `timeout` (retried with backoff) whatever it finally returns.
 *
 * The work queue, not the reconciler, owns de-duplication, per-key serialisation (never two
 * passes of one key at once), concurrency, backoff, timeouts and metrics.
 */
export interface Reconciler {
  reconcile(key: string, signal: AbortSignal): Promise<Result | void>;
}

/** How one pass ended; also the `outcome` label of `berth_reconcile_total`. */
export type ReconcileOutcome = 'success' | 'requeue' | 'error' | 'terminal' | 'timeout';

export const reconcileOutcomes: readonly ReconcileOutcome[] = [
  'success',
  'requeue',
  'error',
  'terminal',
  'timeout',
];

export interface TerminalErrorOptions {
  /** Catalogue code to report; `BERTH_ERR_TERMINAL` when omitted. */
  code?: ErrorCode;
  cause?: unknown;
  details?: Record<string, unknown>;
}

/**
 * A failure that retrying cannot fix (invalid spec, quota the user must raise, a resource that
 * was deleted out from under us). Thrown from `reconcile`, it stops retries for the key.
 */
export class TerminalError extends BerthError {
  constructor(message: string, options: TerminalErrorOptions = {}) {
    super(options.code ?? 'BERTH_ERR_TERMINAL', message, {
      cause: options.cause,
      details: options.details,
      retryable: false,
    });
    this.name = 'TerminalError';
  }
}

/**
 * Marks `cause` as terminal: `throw terminal(err)`. Keeps the code of a `BerthError` cause and
 * the message of any `Error`; other thrown values are stringified.
 */
export function terminal(cause: unknown, message?: string): TerminalError {
  if (cause instanceof TerminalError && message === undefined) return cause;
  const code = isBerthError(cause) ? cause.code : undefined;
  const text = message ?? (cause instanceof Error ? cause.message : String(cause));
  return new TerminalError(text, code === undefined ? { cause } : { cause, code });
}

/** True for errors that must not be retried: `TerminalError` and non-retryable `BerthError`s. */
export function isTerminal(err: unknown): boolean {
  return isBerthError(err) && !err.retryable;
}

/** Turns any thrown value into an `Error` for logging and events, keeping the original as cause. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const text = typeof thrown === 'string' ? thrown : safeStringify(thrown);
  return new Error(`non-Error thrown: ${text}`, { cause: thrown });
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
