/**
 * Leader election through a lease: several `berth server` replicas share one store, and only the
 * replica holding the lease runs controllers. The store implements `LeaderElector` over its
 * lease table; `InMemoryLease` implements it in process for tests and single-process setups.
 */
import { realClock, type Clock } from './clock.js';

/**
 * One replica's handle on a named lease. Implementations must be safe to call repeatedly and
 * must never report a lease as held after it could have been taken by another identity.
 */
export interface LeaderElector {
  /** Who this replica is, as recorded in the lease (e.g. hostname + pid). */
  readonly identity: string;
  /** Takes the lease if it is free, expired or already ours; true when we hold it afterwards. */
  acquire(): Promise<boolean>;
  /** Extends a lease we still hold; false when it expired or another identity holds it. */
  renew(): Promise<boolean>;
  /** Gives the lease up at once (graceful shutdown) so another replica need not wait it out. */
  release(): Promise<void>;
}

export interface InMemoryLeaseOptions {
  /** How long a lease lasts without renewal. Default 15 s. */
  durationMs?: number;
  clock?: Clock;
}

interface LeaseRecord {
  holder: string;
  renewedAt: number;
}

/** A lease living in this process's memory; hand each simulated replica its own `elector()`. */
export class InMemoryLease {
  readonly durationMs: number;
  readonly #clock: Clock;
  #record: LeaseRecord | undefined;

  constructor(options: InMemoryLeaseOptions = {}) {
    this.durationMs = options.durationMs ?? 15_000;
    this.#clock = options.clock ?? realClock;
  }

  /** The identity holding an unexpired lease, if any. */
  holder(): string | undefined {
    return this.#live()?.holder;
  }

  elector(identity: string): LeaderElector {
    return {
      identity,
      acquire: async () => this.#acquire(identity),
      renew: async () => this.#renew(identity),
      release: async () => this.#release(identity),
    };
  }

  #acquire(identity: string): boolean {
    const live = this.#live();
    if (live !== undefined && live.holder !== identity) return false;
    this.#record = { holder: identity, renewedAt: this.#clock.now() };
    return true;
  }

  /** Strict: an expired lease is not renewed even if nobody took it; acquire it again instead. */
  #renew(identity: string): boolean {
    const live = this.#live();
    if (live === undefined || live.holder !== identity) return false;
    live.renewedAt = this.#clock.now();
    return true;
  }

  #release(identity: string): void {
    if (this.#record?.holder === identity) this.#record = undefined;
  }

  #live(): LeaseRecord | undefined {
    const record = this.#record;
    if (record === undefined) return undefined;
    return this.#clock.now() - record.renewedAt < this.durationMs ? record : undefined;
  }
}
