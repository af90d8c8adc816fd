/**
 * Clusters' API audit events (see migration 004). `append` ignores an event already stored (the
 * API server retries batches); `list` answers the newest first; `prune` keeps at most
 * `perCluster` events per cluster and none older than `maxAgeMs`.
 */
import type { Session } from './session.js';

export interface StoredAuditEvent {
  auditId: string;
  /** Epoch ms of the request. */
  time: number;
  event: Record<string, unknown>;
}

export class ClusterAuditRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async append(clusterUid: string, events: StoredAuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.#session.write(async (ctx) => {
      await ctx.db
        .insertInto('cluster_audit')
        .values(
          events.map((e) => ({
            cluster_uid: clusterUid,
            audit_id: e.auditId,
            time: e.time,
            received_at: ctx.now,
            event: JSON.stringify(e.event),
          })),
        )
        .onConflict((oc) => oc.columns(['cluster_uid', 'audit_id']).doNothing())
        .execute();
    });
  }

  async list(clusterUid: string, limit: number): Promise<StoredAuditEvent[]> {
    const rows = await this.#session.read((db) =>
      db
        .selectFrom('cluster_audit')
        .selectAll()
        .where('cluster_uid', '=', clusterUid)
        .orderBy('time', 'desc')
        .orderBy('audit_id', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.map((r) => ({
      auditId: r.audit_id,
      time: Number(r.time),
      event: JSON.parse(r.event) as Record<string, unknown>,
    }));
  }

  async prune(options: { perCluster: number; maxAgeMs: number }): Promise<void> {
    await this.#session.write(async (ctx) => {
      await ctx.db
        .deleteFrom('cluster_audit')
        .where('time', '<', ctx.now - options.maxAgeMs)
        .execute();
      const clusters = await ctx.db
        .selectFrom('cluster_audit')
        .select('cluster_uid')
        .groupBy('cluster_uid')
        .having((eb) => eb.fn.countAll(), '>', options.perCluster)
        .execute();
      for (const { cluster_uid } of clusters) {
        const cutoff = await ctx.db
          .selectFrom('cluster_audit')
          .select('time')
          .where('cluster_uid', '=', cluster_uid)
          .orderBy('time', 'desc')
          .offset(options.perCluster)
          .limit(1)
          .executeTakeFirst();
        if (cutoff)
          await ctx.db
            .deleteFrom('cluster_audit')
            .where('cluster_uid', '=', cluster_uid)
            .where('time', '<=', Number(cutoff.time))
            .execute();
      }
    });
  }

  async deleteCluster(clusterUid: string): Promise<void> {
    await this.#session.write((ctx) =>
      ctx.db.deleteFrom('cluster_audit').where('cluster_uid', '=', clusterUid).execute(),
    );
  }
}
