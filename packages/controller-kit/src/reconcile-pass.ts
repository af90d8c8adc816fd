/**
 * One reconcile pass: calls the reconciler with an AbortSignal, enforces the pass timeout, and
 * turns whatever happens — a result, a thrown Error, a thrown string, a synchronous throw — into
 * a `PassResult`. `settled` never rejects, so no failure of a reconciler escapes the controller.
 */
import { BerthError } from '@berth/errors';
import type { Clock, Timer } from './clock.js';
import type { Logger } from './logger.js';
import {
  isTerminal,
  toError,
  type ReconcileOutcome,
  type Reconciler,
  type Result,
} from './reconciler.js';

export interface PassResult {
  outcome: ReconcileOutcome;
  /** The failure for `error`, `terminal` and `timeout`. */
  error?: Error;
  /** The poll delay the reconciler asked for (`requeue` only). */
  requeueAfterMs?: number;
}

export interface PassInput {
  key: string;
  reconcileId: string;
  reconciler: Reconciler;
  /** Deadline of the pass; 0 or Infinity disables it. */
  timeoutMs: number;
  clock: Clock;
  /** Already bound to `controller`, `key` and `reconcileId`. */
  logger: Logger;
}

export interface RunningPass {
  readonly key: string;
  readonly reconcileId: string;
  readonly startedAt: number;
  /** Aborts the pass's signal (controller stopping); the pass still has to settle. */
  abort(reason: unknown): void;
  readonly settled: Promise<PassResult>;
}

/** The start of the last pass to begin, process-wide: every later one begins a turn after it. */
let lastStart: Promise<void> = Promise.resolve();

/**
 * Resolves in an event-loop turn of this pass's own, one turn after the pass started before it.
 * A pass whose I/O completes synchronously (SQLite, the memory provider) is one long chain of
 * microtasks. Passes started from each other's completions would chain forever, and passes all
 * released in the same turn would run back to back; either starves timers and sockets — the
 * leader's lease renewal and the API's requests. Spaced a turn apart, every pass is followed by
 * the loop's timers and I/O, so a request waits for at most the pass that is running.
 */
function nextTurn(): Promise<void> {
  const turn = lastStart.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  lastStart = turn;
  return turn;
}

export function startPass(input: PassInput): RunningPass {
  const { key, reconcileId, clock, logger, timeoutMs } = input;
  const abortController = new AbortController();
  let timeoutError: BerthError | undefined;
  let timer: Timer | undefined;
  if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
    timer = clock.setTimer(() => {
      timeoutError = new BerthError('BERTH_ERR_TIMEOUT', `reconcile exceeded ${timeoutMs} ms`, {
        details: { key, timeoutMs },
      });
      logger.warn({ timeoutMs }, 'reconcile pass timed out; aborting its signal');
      abortController.abort(timeoutError);
    }, timeoutMs);
  }

  const settled = nextTurn()
    .then(() => input.reconciler.reconcile(key, abortController.signal))
    .then(classifyReturn, classifyThrow)
    .catch(classifyThrow)
    .then((result): PassResult => {
      timer?.cancel();
      return timeoutError === undefined ? result : { outcome: 'timeout', error: timeoutError };
    });

  return {
    key,
    reconcileId,
    startedAt: clock.now(),
    abort: (reason) => abortController.abort(reason),
    settled,
  };
}

/** Maps a resolved value to `success` or `requeue`; a malformed delay is a reconciler bug. */
export function classifyReturn(value: Result | void): PassResult {
  if (typeof value !== 'object' || value === null || value.requeueAfterMs === undefined) {
    return { outcome: 'success' };
  }
  const ms = value.requeueAfterMs;
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) {
    return { outcome: 'requeue', requeueAfterMs: ms };
  }
  return {
    outcome: 'error',
    error: new BerthError('BERTH_ERR_INTERNAL', `reconciler returned invalid requeueAfterMs`, {
      details: { requeueAfterMs: String(ms) },
    }),
  };
}

/** Maps a thrown value to `terminal` or `error`; non-Error values are wrapped, not lost. */
export function classifyThrow(thrown: unknown): PassResult {
  return { outcome: isTerminal(thrown) ? 'terminal' : 'error', error: toError(thrown) };
}
