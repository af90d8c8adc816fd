/**
 * Time as the controller kit sees it. Backoff, delayed requeue, pass timeouts, graceful-stop
 * deadlines and lease renewal all go through a `Clock`, so tests can move time by hand
 * (`FakeClock`) and production uses the real timers (`realClock`).
 */

/** A scheduled callback; `cancel()` is safe to call more than once and after it fired. */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch (or any fixed origin); only differences are used. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds (negative counts as zero). */
  setTimer(fn: () => void, ms: number): Timer;
}

/** The process clock: `Date.now()` and `setTimeout`. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const handle = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  },
};

/**
 * True when every promise in `work` settles within `ms` on `clock`; false at the deadline (at
 * once when `ms` ≤ 0 and work remains). Used to bound graceful stops.
 */
export async function settlesWithin(
  clock: Clock,
  work: readonly Promise<unknown>[],
  ms: number,
): Promise<boolean> {
  if (work.length === 0) return true;
  if (!(ms > 0)) return false;
  let timer: Timer | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = clock.setTimer(() => resolve(false), ms);
  });
  const all = Promise.allSettled(work).then(() => true as const);
  const finished = await Promise.race([all, deadline]);
  timer?.cancel();
  return finished;
}
