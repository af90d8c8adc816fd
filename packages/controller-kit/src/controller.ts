/**
 * A controller: one reconciler behind one work queue, run by up to `concurrency` passes at once.
 * The controller owns the queue semantics the reconcile contract promises (see `Reconciler`):
 * de-duplication, per-key serialisation, backoff on failure, delayed requeue, pass timeouts,
 * exception containment, per-outcome metrics and logs keyed by controller, key and reconcileId.
 */
import { randomUUID } from 'node:crypto';
import { BerthError, errors } from '@berth/errors';
import { Registry } from 'prom-client';
import { KeyedBackoff } from './backoff.js';
import { realClock, settlesWithin, type Clock } from './clock.js';
import { silentLogger, type Logger } from './logger.js';
import { createReconcileMetrics, type ReconcileMetrics } from './metrics.js';
import { startPass, type PassResult, type RunningPass } from './reconcile-pass.js';
import type { Reconciler } from './reconciler.js';
import { WorkQueue } from './work-queue.js';
import {
  callListeners,
  logOutcome,
  type ControllerOptions,
  type ControllerState,
  type ReconcileEvent,
  type ReconcileListener,
  type StopOptions,
  type StopReport,
} from './controller-api.js';

interface InFlight {
  pass: RunningPass;
  finished: Promise<void>;
}

export class Controller {
  readonly name: string;
  readonly #reconciler: Reconciler;
  readonly #concurrency: number;
  readonly #limits: { timeoutMs: number; stopTimeoutMs: number; abortGraceMs: number };
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #metrics: ReconcileMetrics;
  readonly #backoff: KeyedBackoff;
  readonly #queue: WorkQueue;
  readonly #inFlight = new Map<string, InFlight>();
  readonly #listeners = new Set<ReconcileListener>();
  #idleWaiters: Array<() => void> = [];
  #state: ControllerState = 'stopped';
  #stopping: Promise<StopReport> | undefined;
  #pumping = false;

  constructor(options: ControllerOptions) {
    if (options.name === '') throw errors.invalid('name', 'controller name must not be empty');
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw errors.invalid('concurrency', 'must be an integer ≥ 1');
    }
    this.name = options.name;
    this.#reconciler = options.reconciler;
    this.#concurrency = concurrency;
    this.#limits = {
      timeoutMs: options.timeoutMs ?? 5 * 60_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 30_000,
      abortGraceMs: options.abortGraceMs ?? 1_000,
    };
    this.#clock = options.clock ?? realClock;
    this.#logger = (options.logger ?? silentLogger()).child({ controller: this.name });
    this.#metrics = options.metrics ?? createReconcileMetrics(new Registry());
    this.#backoff = new KeyedBackoff(options.backoff);
    this.#queue = new WorkQueue(this.#clock, () => {
      this.#metrics.setDepth(this.name, this.#queue.depth);
      this.#pump();
    });
    this.#metrics.registerController(this.name, () => this.#longestRunningSeconds());
  }

  get state(): ControllerState {
    return this.#state;
  }

  /** Keys waiting to run (not counting delayed requeues and passes in flight). */
  get depth(): number {
    return this.#queue.depth;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Queues `key` for a pass. Accepted while stopped too: queued keys run once started. */
  enqueue(key: string): void {
    this.#queue.add(key);
  }

  /**
   * Queues `key` after `ms`. While stopped it is queued at once for the next start; `stop()`
   * drops pending delays (level-triggered: whoever starts the controller re-lists its keys).
   */
  enqueueAfter(key: string, ms: number): void {
    if (this.#state === 'running') this.#queue.addAfter(key, ms);
    else this.#queue.add(key);
  }

  /** Calls `listener` after every pass; returns a function that unsubscribes it. */
  onReconcile(listener: ReconcileListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when no key is queued and no pass is running (delayed requeues may be pending). */
  waitIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Starts dispatching queued keys. Calling it while running is a no-op. */
  start(): void {
    if (this.#state !== 'stopped') return;
    this.#state = 'running';
    this.#logger.info({ concurrency: this.#concurrency }, 'controller started');
    this.#pump();
  }

  /**
   * Stops taking keys, drops delayed requeues, waits up to the deadline for in-flight passes,
   * then aborts the rest and waits `abortGraceMs` for them. Keys of passes aborted or failed
   * while stopping stay queued for the next start.
   */
  stop(options: StopOptions = {}): Promise<StopReport> {
    if (this.#stopping !== undefined) return this.#stopping;
    if (this.#state === 'stopped') return Promise.resolve({ aborted: [], abandoned: [] });
    this.#state = 'stopping';
    this.#queue.clearDelayed();
    this.#stopping = this.#drain(options.timeoutMs ?? this.#limits.stopTimeoutMs).finally(() => {
      this.#state = 'stopped';
      this.#stopping = undefined;
      this.#logger.info({}, 'controller stopped');
    });
    return this.#stopping;
  }

  async #drain(timeoutMs: number): Promise<StopReport> {
    if (await this.#settleWithin(timeoutMs)) return { aborted: [], abandoned: [] };
    const reason = new BerthError('BERTH_ERR_UNAVAILABLE', `controller ${this.name} is stopping`);
    const aborted = [...this.#inFlight.values()].map(({ pass }) => {
      pass.abort(reason);
      return pass.key;
    });
    this.#logger.warn({ keys: aborted }, 'stop deadline passed; aborting in-flight passes');
    await this.#settleWithin(this.#limits.abortGraceMs);
    const abandoned = [...this.#inFlight.values()].map(({ pass }) => pass.key);
    if (abandoned.length > 0) {
      this.#logger.error(
        { keys: abandoned },
        'passes ignored their abort signal; keys stay locked',
      );
    }
    return { aborted, abandoned };
  }

  #settleWithin(ms: number): Promise<boolean> {
    const finished = [...this.#inFlight.values()].map((f) => f.finished);
    return settlesWithin(this.#clock, finished, ms);
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#state === 'running' && this.#inFlight.size < this.#concurrency) {
        const key = this.#queue.take();
        if (key === undefined) break;
        this.#run(key);
      }
    } finally {
      this.#pumping = false;
    }
    this.#notifyIfIdle();
  }

  #run(key: string): void {
    const reconcileId = randomUUID();
    const logger = this.#logger.child({ key, reconcileId });
    const pass = startPass({
      key,
      reconcileId,
      reconciler: this.#reconciler,
      timeoutMs: this.#limits.timeoutMs,
      clock: this.#clock,
      logger,
    });
    const finished = pass.settled.then((result) => this.#finish(pass, result, logger));
    this.#inFlight.set(reconcileId, { pass, finished });
  }

  #finish(pass: RunningPass, result: PassResult, logger: Logger): void {
    this.#inFlight.delete(pass.reconcileId);
    try {
      const event = this.#applyOutcome(pass, result);
      this.#metrics.observePass(this.name, result.outcome, event.durationMs / 1000);
      logOutcome(logger, event);
      callListeners(this.#listeners, event, logger, 'reconcile listener threw; ignored');
    } catch (err) {
      logger.error({ err }, 'controller bookkeeping failed after a pass');
    } finally {
      this.#queue.done(pass.key);
      this.#pump();
    }
  }

  /** Decides when the key runs again and builds the event describing the pass. */
  #applyOutcome(pass: RunningPass, result: PassResult): ReconcileEvent {
    const { key } = pass;
    let nextRunInMs: number | undefined;
    if (result.outcome === 'error' || result.outcome === 'timeout') {
      nextRunInMs = this.#backoff.next(key);
      this.#metrics.countRetry(this.name);
    } else {
      this.#backoff.reset(key);
      if (result.outcome === 'requeue') nextRunInMs = result.requeueAfterMs;
    }
    if (nextRunInMs !== undefined) this.enqueueAfter(key, nextRunInMs);
    const event: ReconcileEvent = {
      controller: this.name,
      key,
      reconcileId: pass.reconcileId,
      outcome: result.outcome,
      durationMs: this.#clock.now() - pass.startedAt,
      failures: this.#backoff.failures(key),
    };
    if (result.error !== undefined) event.error = result.error;
    if (nextRunInMs !== undefined) event.nextRunInMs = nextRunInMs;
    return event;
  }

  #isIdle(): boolean {
    return this.#queue.depth === 0 && this.#inFlight.size === 0;
  }

  #notifyIfIdle(): void {
    if (!this.#isIdle() || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #longestRunningSeconds(): number {
    let oldest = Infinity;
    for (const { pass } of this.#inFlight.values()) oldest = Math.min(oldest, pass.startedAt);
    return oldest === Infinity ? 0 : (this.#clock.now() - oldest) / 1000;
  }
}
