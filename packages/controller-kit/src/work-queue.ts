/**
 * The work queue under every controller: a FIFO of keys with client-go's guarantees.
 *
 * - De-duplication: a key added while it waits is one item.
 * - Per-key serialisation: a key handed out by `take()` is "processing" until `done(key)`; it is
 *   never handed out twice at once. Added while processing, it is marked dirty and queued again,
 *   once, when `done(key)` is called — so changes seen mid-pass always get a fresh pass.
 * - Delayed adds: `addAfter` keeps one timer per key; the earliest deadline wins, and an
 *   immediate `add` drops the timer (the pass it triggers decides any further delay).
 *
 * The queue does not run anything; the controller takes keys and reports them done.
 */
import type { Clock, Timer } from './clock.js';

interface DelayedAdd {
  at: number;
  timer: Timer;
}

export class WorkQueue {
  readonly #clock: Clock;
  readonly #onChange: () => void;
  /** Keys waiting to be taken, oldest first; never contains a processing key. */
  readonly #ready = new Set<string>();
  readonly #processing = new Set<string>();
  /** Processing keys added again; they go back to `#ready` on `done`. */
  readonly #dirty = new Set<string>();
  readonly #delayed = new Map<string, DelayedAdd>();

  /** `onChange` runs after every change to the ready items (depth gauge, dispatch). */
  constructor(clock: Clock, onChange: () => void = () => undefined) {
    this.#clock = clock;
    this.#onChange = onChange;
  }

  /** Queues `key` now, unless it is already queued. */
  add(key: string): void {
    this.#cancelDelayed(key);
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#ready.has(key)) return;
    this.#ready.add(key);
    this.#onChange();
  }

  /** Queues `key` after `ms`; an earlier pending or immediate add of the same key wins. */
  addAfter(key: string, ms: number): void {
    if (!(ms > 0)) return this.add(key);
    if (this.#ready.has(key) || this.#dirty.has(key)) return;
    const at = this.#clock.now() + ms;
    const pending = this.#delayed.get(key);
    if (pending !== undefined && pending.at <= at) return;
    pending?.timer.cancel();
    const timer = this.#clock.setTimer(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    this.#delayed.set(key, { at, timer });
  }

  /** Hands out the oldest ready key and marks it processing, or undefined when none is ready. */
  take(): string | undefined {
    const next = this.#ready.values().next();
    if (next.done === true) return undefined;
    const key = next.value;
    this.#ready.delete(key);
    this.#processing.add(key);
    this.#onChange();
    return key;
  }

  /** Ends processing of `key`; queues it again if it was added meanwhile. */
  done(key: string): void {
    if (!this.#processing.delete(key)) return;
    if (this.#dirty.delete(key)) this.add(key);
  }

  /** Drops every pending delayed add (on stop, so no timer outlives the controller). */
  clearDelayed(): void {
    for (const pending of this.#delayed.values()) pending.timer.cancel();
    this.#delayed.clear();
  }

  /** Keys ready to be taken (the `berth_workqueue_depth` gauge). */
  get depth(): number {
    return this.#ready.size;
  }

  get processingCount(): number {
    return this.#processing.size;
  }

  get delayedCount(): number {
    return this.#delayed.size;
  }

  isProcessing(key: string): boolean {
    return this.#processing.has(key);
  }

  /** True when `key` will run again: ready, dirty, or waiting on a delayed add. */
  isPending(key: string): boolean {
    return this.#ready.has(key) || this.#dirty.has(key) || this.#delayed.has(key);
  }

  #cancelDelayed(key: string): void {
    const pending = this.#delayed.get(key);
    if (pending === undefined) return;
    pending.timer.cancel();
    this.#delayed.delete(key);
  }
}
