/**
 * Runs a set of controllers together. With a `LeaderElector`, controllers run only while this
 * replica holds the lease: the manager campaigns until it acquires the lease, starts every
 * controller, renews on an interval, and stops every controller (aborting in-flight passes) the
 * moment the lease is lost — then campaigns again. Reconcilers are idempotent, so a pass cut
 * short here is finished by whichever replica leads next.
 */
import { realClock, type Clock, type Timer } from './clock.js';
import { callListeners, type StopOptions } from './controller-api.js';
import type { LeaderElector } from './leader-election.js';
import { silentLogger, type Logger } from './logger.js';

/** What the manager needs from a controller; `Controller` satisfies it. */
export interface ManagedController {
  readonly name: string;
  start(): void | Promise<void>;
  stop(options?: StopOptions): Promise<unknown>;
}

export interface ControllerManagerOptions {
  controllers: readonly ManagedController[];
  /** Without one, controllers start with the manager (single replica). */
  elector?: LeaderElector;
  clock?: Clock;
  logger?: Logger;
  /** How often the leader renews. Default 2 s, several times per default lease (15 s). */
  renewIntervalMs?: number;
  /** How often a follower tries to acquire the lease. Default 2 s. */
  retryIntervalMs?: number;
  /**
   * How long renewals may keep failing with errors (store unreachable) before the leader steps
   * down. Keep it below the lease duration so we stop before another replica can take over.
   * Default 10 s. A renewal that answers "not yours" steps down at once.
   */
  renewDeadlineMs?: number;
  /** Graceful-stop deadline for controllers on `stop()`; each controller's own when omitted. */
  stopTimeoutMs?: number;
}

export type ManagerState = 'stopped' | 'running' | 'stopping';
export type LeadershipListener = (leading: boolean) => void;

export class ControllerManager {
  readonly #controllers: readonly ManagedController[];
  readonly #elector: LeaderElector | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #renewIntervalMs: number;
  readonly #retryIntervalMs: number;
  readonly #renewDeadlineMs: number;
  readonly #stopTimeoutMs: number | undefined;
  readonly #listeners = new Set<LeadershipListener>();
  #state: ManagerState = 'stopped';
  #leading = false;
  #lastRenewAt = 0;
  #timer: Timer | undefined;
  /** Leadership steps run one after another on this chain. */
  #steps: Promise<void> = Promise.resolve();

  constructor(options: ControllerManagerOptions) {
    this.#controllers = options.controllers;
    this.#elector = options.elector;
    this.#clock = options.clock ?? realClock;
    this.#logger = (options.logger ?? silentLogger()).child({
      component: 'controller-manager',
      identity: options.elector?.identity,
    });
    this.#renewIntervalMs = options.renewIntervalMs ?? 2_000;
    this.#retryIntervalMs = options.retryIntervalMs ?? 2_000;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#stopTimeoutMs = options.stopTimeoutMs;
  }

  get state(): ManagerState {
    return this.#state;
  }

  /** True while the controllers run (always, once started, without an elector). */
  get isLeader(): boolean {
    return this.#leading;
  }

  /** Called with `true` after controllers started, `false` after they stopped on lease loss. */
  onLeadershipChange(listener: LeadershipListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts the controllers, or the campaign for the lease; resolves after the first attempt. */
  async start(): Promise<void> {
    if (this.#state !== 'stopped') return;
    this.#state = 'running';
    await this.#enqueueStep(() => (this.#elector ? this.#tryAcquire() : this.#lead()));
  }

  /** Stops the campaign, stops controllers gracefully, then releases the lease. */
  async stop(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'stopping';
    this.#timer?.cancel();
    await this.#steps;
    if (this.#leading) {
      await this.#stopControllers(this.#stopTimeoutMs);
      await this.#release();
    }
    this.#state = 'stopped';
  }

  async #tryAcquire(): Promise<void> {
    const acquired = await this.#call('acquire', () => this.#elector?.acquire());
    if (this.#state !== 'running') {
      if (acquired === true) await this.#release();
      return;
    }
    if (acquired !== true) return this.#schedule(() => this.#tryAcquire(), this.#retryIntervalMs);
    this.#logger.info({}, 'lease acquired; starting controllers');
    await this.#lead();
  }

  async #lead(): Promise<void> {
    this.#lastRenewAt = this.#clock.now();
    for (const controller of this.#controllers) await controller.start();
    this.#setLeading(true);
    if (this.#elector) this.#schedule(() => this.#renew(), this.#renewIntervalMs);
  }

  async #renew(): Promise<void> {
    const held = await this.#call('renew', () => this.#elector?.renew());
    if (this.#state !== 'running') return;
    if (held === true) this.#lastRenewAt = this.#clock.now();
    const withinDeadline = this.#clock.now() - this.#lastRenewAt < this.#renewDeadlineMs;
    if (held === true || (held === undefined && withinDeadline)) {
      return this.#schedule(() => this.#renew(), this.#renewIntervalMs);
    }
    this.#logger.warn({ held }, 'lease lost; stopping controllers');
    await this.#stopControllers(0);
    this.#setLeading(false);
    this.#schedule(() => this.#tryAcquire(), this.#retryIntervalMs);
  }

  /** Stops every controller at once; `timeoutMs` 0 aborts in-flight passes immediately. */
  async #stopControllers(timeoutMs: number | undefined): Promise<void> {
    const options = timeoutMs === undefined ? {} : { timeoutMs };
    await Promise.all(this.#controllers.map((c) => c.stop(options)));
  }

  async #release(): Promise<void> {
    await this.#call('release', () => this.#elector?.release());
    this.#setLeading(false);
  }

  /** Runs an elector call; an error is logged and reported as `undefined` (unknown). */
  async #call<T>(what: string, fn: () => Promise<T> | undefined): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.#logger.warn({ err }, `lease ${what} failed`);
      return undefined;
    }
  }

  #schedule(step: () => Promise<void>, ms: number): void {
    this.#timer = this.#clock.setTimer(() => void this.#enqueueStep(step), ms);
  }

  #enqueueStep(step: () => Promise<void>): Promise<void> {
    this.#steps = this.#steps.then(step).catch((err: unknown) => {
      this.#logger.error({ err }, 'leader-election step failed');
    });
    return this.#steps;
  }

  #setLeading(leading: boolean): void {
    if (this.#leading === leading) return;
    this.#leading = leading;
    callListeners(this.#listeners, leading, this.#logger, 'leadership listener threw; ignored');
  }
}
