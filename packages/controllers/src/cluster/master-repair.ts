/**
 * Self-healing masters. A master whose server is in ERROR, or whose kube-apiserver has stopped
 * serving, is replaced — a new server with an empty disk, whose etcd member removes the old
 * member and joins in its place — once it has stayed down for the repair delay (see
 * `Downtime`). Berth replaces one master at a time and only while the masters that remain serve
 * a majority, so its own action never costs etcd its quorum.
 */
import type { Server } from '@berth/provider-api';
import { Downtime, type RepairPolicy } from '../downtime.js';

export type MasterRepairPolicy = RepairPolicy;

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
  readonly #downtime: Downtime;

  constructor(policy: MasterRepairPolicy = DEFAULT_MASTER_REPAIR) {
    this.#downtime = new Downtime(policy);
  }

  /**
   * Records what one pass saw of a cluster's masters and decides whether one of the down ones
   * is replaced now. `down` names the masters that are down (ERROR or not serving).
   */
  judge(masters: Server[], down: ReadonlySet<string>, now: Date): RepairVerdict {
    this.#downtime.observe(masters, down, now);
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
    const due = downMasters
      .map((m) => ({ m, at: this.#downtime.dueAt(m) }))
      .sort((a, b) => a.at - b.at)[0]!;
    if (due.at <= now.getTime()) return { replace: due.m };
    const seconds = Math.ceil((due.at - now.getTime()) / 1000);
    return { waiting: `${due.m.name} is replaced if it is still down in ${seconds} s` };
  }

  /** Forgets a replaced server. */
  forget(serverId: string): void {
    this.#downtime.forget(serverId);
  }
}
