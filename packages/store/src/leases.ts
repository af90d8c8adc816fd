/**
 * Leases for leader election among replicas sharing one database. Every transition is a single
 * conditional statement (compare-and-set on holder and expiry), so two replicas can never both
 * believe they hold a lease. `StoreLeaderElector` matches controller-kit's `LeaderElector`.
 */
import { sql } from 'kysely';
import type { Session } from './session.js';

/** Structurally identical to `LeaderElector` in @berth/controller-kit. */
export interface LeaderElector {
  readonly identity: string;
  /** Takes the lease if it is free, expired or already ours; true when we hold it afterwards. */
  acquire(): Promise<boolean>;
  /** Extends a lease we still hold; false when it expired or another identity holds it. */
  renew(): Promise<boolean>;
  /** Gives the lease up at once so another replica need not wait for it to expire. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  /** Lease name, e.g. `controllers`. */
  name: string;
  /** This replica, e.g. `${hostname}-${pid}`. */
  identity: string;
  /** How long the lease lasts without renewal. Default 15 s. */
  durationMs?: number;
}

export interface LeaseRecord {
  name: string;
  holder: string;
  expiresAt: number;
  acquiredAt: number;
  transitions: number;
}

export class LeaseRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  /** The lease row as stored (its holder may have expired), or undefined. */
  async get(name: string): Promise<LeaseRecord | undefined> {
    const row = await this.#session.read((db) =>
      db.selectFrom('leases').selectAll().where('name', '=', name).executeTakeFirst(),
    );
    if (!row) return undefined;
    return {
      name: row.name,
      holder: row.holder,
      expiresAt: Number(row.expires_at),
      acquiredAt: Number(row.acquired_at),
      transitions: row.transitions,
    };
  }

  elector(options: LeaseOptions): LeaderElector {
    const duration = options.durationMs ?? 15_000;
    const { name, identity } = options;
    return {
      identity,
      acquire: () => this.#acquire(name, identity, duration),
      renew: () => this.#renew(name, identity, duration),
      release: () => this.#release(name, identity),
    };
  }

  async #acquire(name: string, identity: string, duration: number): Promise<boolean> {
    return this.#session.write(async (ctx) => {
      const now = ctx.now;
      const taken = await ctx.db
        .updateTable('leases')
        .set({
          holder: identity,
          expires_at: now + duration,
          acquired_at: sql<number>`case when holder = ${identity} then acquired_at else ${now} end`,
          transitions: sql<number>`case when holder = ${identity} then transitions else transitions + 1 end`,
        })
        .where('name', '=', name)
        .where((eb) => eb.or([eb('holder', '=', identity), eb('expires_at', '<=', now)]))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return true;
      const created = await ctx.db
        .insertInto('leases')
        .values({
          name,
          holder: identity,
          expires_at: now + duration,
          acquired_at: now,
          transitions: 1,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .returning('name')
        .executeTakeFirst();
      return created !== undefined;
    });
  }

  async #renew(name: string, identity: string, duration: number): Promise<boolean> {
    return this.#session.write(async (ctx) => {
      const result = await ctx.db
        .updateTable('leases')
        .set({ expires_at: ctx.now + duration })
        .where('name', '=', name)
        .where('holder', '=', identity)
        .where('expires_at', '>', ctx.now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  async #release(name: string, identity: string): Promise<void> {
    await this.#session.write((ctx) =>
      ctx.db
        .updateTable('leases')
        .set({ expires_at: 0 })
        .where('name', '=', name)
        .where('holder', '=', identity)
        .execute(),
    );
  }
}
