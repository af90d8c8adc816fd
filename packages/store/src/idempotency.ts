/**
 * Idempotency records for POST requests carrying an `Idempotency-Key`. A key is scoped (the API
 * uses token id + project), remembers a hash of the request and, once finished, the response.
 * `begin` claims a key atomically, so two concurrent requests with one key never both run.
 */
import type { Session } from './session.js';

export type IdempotencyClaim =
  /** The key is new (or its earlier attempt was abandoned): run the request, then `complete`. */
  | { outcome: 'proceed' }
  /** The same request already finished: answer with this response again. */
  | { outcome: 'replay'; status: number; body: string }
  /** The key was used for a different request. */
  | { outcome: 'mismatch' }
  /** The same request is still running elsewhere. */
  | { outcome: 'in-progress' };

/** A pending claim older than this is treated as abandoned (its process died mid-request). */
const PENDING_TAKEOVER_MS = 5 * 60_000;

export class IdempotencyRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async begin(scope: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    return this.#session.write(async (ctx) => {
      const inserted = await ctx.db
        .insertInto('idempotency')
        .values({
          scope,
          key,
          request_hash: requestHash,
          state: 'pending',
          status: null,
          body: null,
          created_at: ctx.now,
        })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (inserted) return { outcome: 'proceed' };
      const row = await ctx.db
        .selectFrom('idempotency')
        .selectAll()
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (row.request_hash !== requestHash) return { outcome: 'mismatch' };
      if (row.state === 'done' && row.status !== null && row.body !== null) {
        return { outcome: 'replay', status: row.status, body: row.body };
      }
      if (ctx.now - Number(row.created_at) < PENDING_TAKEOVER_MS) return { outcome: 'in-progress' };
      await ctx.db
        .updateTable('idempotency')
        .set({ created_at: ctx.now })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .execute();
      return { outcome: 'proceed' };
    });
  }

  /** Stores the response of a claimed key for replay. */
  async complete(scope: string, key: string, status: number, body: string): Promise<void> {
    await this.#session.write((ctx) =>
      ctx.db
        .updateTable('idempotency')
        .set({ state: 'done', status, body })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .execute(),
    );
  }

  /** Releases a claimed key without a stored response (the request failed in a retryable way). */
  async abandon(scope: string, key: string): Promise<void> {
    await this.#session.write((ctx) =>
      ctx.db.deleteFrom('idempotency').where('scope', '=', scope).where('key', '=', key).execute(),
    );
  }

  /** Deletes records created before `before` (epoch ms); returns how many. */
  async prune(before: number): Promise<number> {
    const result = await this.#session.write((ctx) =>
      ctx.db.deleteFrom('idempotency').where('created_at', '<', before).executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }
}
