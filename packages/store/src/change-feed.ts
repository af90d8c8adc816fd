/**
 * The change feed controllers enqueue keys from. Two ways in:
 *   - `onChange(listener)`: called synchronously after each commit made by *this* process
 *     (cheap, immediate; exceptions thrown by listeners are swallowed so a write never fails
 *     because a listener did);
 *   - `listSince(cursor)`: every change committed by *any* process (replicas sharing PostgreSQL)
 *     with id > cursor, in commit order; poll it with the returned cursor.
 * Change rows are pruned after a retention period (see Store#prune); a poller that fell further
 * behind should resync by listing everything (`clusters.listKeys()`).
 */
import type { Change, ChangeListener, Executor } from './session.js';

export interface ChangeBatch {
  changes: Change[];
  /** Pass back as `cursor` next time. */
  cursor: number;
}

export class ChangeFeed {
  readonly #listeners = new Set<ChangeListener>();
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /** Subscribes to this process's commits; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Delivers committed changes to listeners (the store calls this after each commit). */
  emit(changes: readonly Change[]): void {
    for (const change of changes) {
      for (const listener of this.#listeners) {
        try {
          listener(change);
        } catch {
          // A listener's failure is its own; the write has committed regardless.
        }
      }
    }
  }

  /** Changes with id greater than `cursor`, oldest first, at most `limit`. */
  async listSince(cursor: number, limit = 500): Promise<ChangeBatch> {
    const rows = await this.#db
      .selectFrom('changes')
      .selectAll()
      .where('id', '>', cursor)
      .orderBy('id')
      .limit(limit)
      .execute();
    const changes = rows.map((r): Change => {
      const change: Change = {
        id: Number(r.id),
        kind: r.kind as Change['kind'],
        type: r.type as Change['type'],
        project: r.project,
        name: r.name,
        uid: r.uid,
      };
      if (r.cluster !== null) change.cluster = r.cluster;
      return change;
    });
    return { changes, cursor: changes.length > 0 ? changes[changes.length - 1]!.id : cursor };
  }

  /** The newest committed version: start polling from here to see only future changes. */
  async latestCursor(): Promise<number> {
    const row = await this.#db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', 'resource_version')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }
}
