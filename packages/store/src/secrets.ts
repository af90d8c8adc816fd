/**
 * Sealed cluster secrets: opaque (already encrypted) text per cluster uid and name. The store
 * never sees plaintext; `@berth/kube-bootstrap` seals and unseals with the operator's key.
 */
import type { Session } from './session.js';

export class SecretRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async get(clusterUid: string, name: string): Promise<string | undefined> {
    const row = await this.#session.read((db) =>
      db
        .selectFrom('cluster_secrets')
        .select('sealed')
        .where('cluster_uid', '=', clusterUid)
        .where('name', '=', name)
        .executeTakeFirst(),
    );
    return row?.sealed;
  }

  /** Inserts or replaces. */
  async put(clusterUid: string, name: string, sealed: string): Promise<void> {
    await this.#session.write(async (ctx) => {
      await ctx.db
        .insertInto('cluster_secrets')
        .values({ cluster_uid: clusterUid, name, sealed, updated_at: ctx.now })
        .onConflict((oc) =>
          oc.columns(['cluster_uid', 'name']).doUpdateSet({ sealed, updated_at: ctx.now }),
        )
        .execute();
    });
  }

  async delete(clusterUid: string, name: string): Promise<void> {
    await this.#session.write(async (ctx) => {
      await ctx.db
        .deleteFrom('cluster_secrets')
        .where('cluster_uid', '=', clusterUid)
        .where('name', '=', name)
        .execute();
    });
  }

  async deleteCluster(clusterUid: string): Promise<void> {
    await this.#session.write(async (ctx) => {
      await ctx.db.deleteFrom('cluster_secrets').where('cluster_uid', '=', clusterUid).execute();
    });
  }
}
