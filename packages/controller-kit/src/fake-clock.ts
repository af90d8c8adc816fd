/**
 * A clock whose time moves only when a test says so. `advance(ms)` fires every timer that falls
 * due, in deadline order, and lets promise chains settle between timers, so code that awaits and
 * then schedules again behaves as it would with real time — without waiting for it.
 */
import type { Clock, Timer } from './clock.js';

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: PendingTimer[] = [];

  constructor(startMs = 1_700_000_000_000) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): Timer {
    const timer: PendingTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return { cancel: () => this.#remove(timer) };
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Milliseconds until the earliest pending timer, or undefined when none is pending. */
  nextTimerInMs(): number | undefined {
    const next = this.#earliest();
    return next === undefined ? undefined : next.at - this.#now;
  }

  /**
   * Moves time forward by `ms`, firing due timers one at a time (earliest first, ties in the
   * order they were set) and settling pending promise work before and after each one.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    await settle();
    for (let next = this.#earliest(); next !== undefined && next.at <= target;) {
      this.#remove(next);
      this.#now = next.at;
      next.fn();
      await settle();
      next = this.#earliest();
    }
    this.#now = target;
    await settle();
  }

  #earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.#timers) {
      if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }

  #remove(timer: PendingTimer): void {
    const i = this.#timers.indexOf(timer);
    if (i >= 0) this.#timers.splice(i, 1);
  }
}

/**
 * Lets already-resolved promise chains run to completion. A few macrotask turns cover chains
 * that hop through several awaits (reconciler → pass → controller bookkeeping).
 */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
