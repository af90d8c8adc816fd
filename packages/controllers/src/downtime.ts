/**
 * How long each server has been down, for self-healing: a server seen down starts a clock that
 * an up observation clears. It is due for replacement once down for `replaceAfterMs`; one that
 * has never been seen up since it was created (still joining) is given `joinTimeoutMs` from its
 * creation first.
 *
 * Kept in memory: after a restart of Berth the clocks start again, which only ever delays a
 * replacement.
 */
import type { Server } from '@berth/provider-api';

export interface RepairPolicy {
  /** How long a server must stay down before it is replaced. */
  replaceAfterMs: number;
  /** How long a new server may take to come up for the first time. */
  joinTimeoutMs: number;
}

export class Downtime {
  readonly #downSince = new Map<string, number>();
  readonly #seenUp = new Set<string>();

  constructor(readonly policy: RepairPolicy) {}

  /** Records one look at `servers`: those named in `down` are down, the others up. */
  observe(servers: Server[], down: ReadonlySet<string>, now: Date): void {
    for (const s of servers) {
      if (down.has(s.name)) {
        if (!this.#downSince.has(s.id)) this.#downSince.set(s.id, now.getTime());
      } else {
        this.#downSince.delete(s.id);
        this.#seenUp.add(s.id);
      }
    }
  }

  /** When a server observed down becomes due for replacement (ms since the epoch). */
  dueAt(server: Server): number {
    const downAt = (this.#downSince.get(server.id) ?? 0) + this.policy.replaceAfterMs;
    if (this.#seenUp.has(server.id)) return downAt;
    const joinBy = Date.parse(server.createdAt) + this.policy.joinTimeoutMs;
    return Number.isNaN(joinBy) ? downAt : Math.max(downAt, joinBy);
  }

  /** Forgets a replaced server. */
  forget(serverId: string): void {
    this.#downSince.delete(serverId);
    this.#seenUp.delete(serverId);
  }
}
