/**
 * Self-healing masters. A master whose server is in ERROR, or whose kube-apiserver has stopped
 * serving, is replaced — a new server with an empty disk, whose etcd member removes the old
 * member and joins in its place — once it has stayed down for `replaceAfterMs`. Berth replaces
 * one master at a time and only while the masters that remain serve a majority, so its own
 * action never costs etcd its quorum. A master that has never served since it was created (it
 * is still joining) is given `joinTimeoutMs` from its creation before it counts as down.
 *
 * Downtime is kept in memory: after a restart of Berth the clocks start again, which only ever
 * delays a replacement.
 */
import type { Server } from '@berth/provider-api';

export interface MasterRepairPolicy {
  /** How long a master must stay down before it is replaced. */
  replaceAfterMs: number;
  /** How long a new master may take to serve for the first time. */
  joinTimeoutMs: number;
}

export const DEFAULT_MASTER_REPAIR: MasterRepairPolicy = {
  replaceAfterMs: 120_000,
  joinTimeoutMs: 600_000,
};

export interface RepairVerdict {
  /** The master to replace now, if any. */
  replace?: Server;
  /** Why the down masters are not replaced yet (a person reads it in the condition). */
  waiting?: string;
}

export class MasterDowntime {
  readonly #downSince = new Map<string, number>();
  readonly #served = new Set<string>();

  constructor(readonly policy: MasterRepairPolicy = DEFAULT_MASTER_REPAIR) {}

  /**
   * Records what one pass saw of a cluster's masters and decides whether one of the down ones
   * is replaced now. `down` names the masters that are down (ERROR or not serving).
   */
  judge(masters: Server[], down: Set<string>, now: Date): RepairVerdict {
    const t = now.getTime();
    for (const m of masters) {
      if (down.has(m.name)) {
        if (!this.#downSince.has(m.id)) this.#downSince.set(m.id, t);
      } else {
        this.#downSince.delete(m.id);
        this.#served.add(m.id);
      }
    }
    const downMasters = masters.filter((m) => down.has(m.name));
    if (downMasters.length === 0) return {};
    const serving = masters.length - downMasters.length;
    if (serving <= masters.length / 2) {
      return {
        waiting:
          `only ${serving} of ${masters.length} masters serve: replacing one now could cost etcd ` +
          'its quorum, so Berth waits for masters to come back',
      };
    }
    const due = downMasters.map((m) => ({ m, at: this.#dueAt(m) }));
    due.sort((a, b) => a.at - b.at);
    const first = due[0]!;
    if (first.at <= t) return { replace: first.m };
    const seconds = Math.ceil((first.at - t) / 1000);
    return { waiting: `${first.m.name} is replaced if it is still down in ${seconds} s` };
  }

  /** Forgets a replaced server. */
  forget(serverId: string): void {
    this.#downSince.delete(serverId);
    this.#served.delete(serverId);
  }

  #dueAt(m: Server): number {
    const downAt = (this.#downSince.get(m.id) ?? 0) + this.policy.replaceAfterMs;
    if (this.#served.has(m.id)) return downAt;
    const joinBy = Date.parse(m.createdAt) + this.policy.joinTimeoutMs;
    return Math.max(downAt, Number.isNaN(joinBy) ? downAt : joinBy);
  }
}
