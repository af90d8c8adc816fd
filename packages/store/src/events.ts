/**
 * Cluster event history. Event ids come from the global version counter, so they grow in commit
 * order: a reader that saw id N and asks for `id > N` never misses one committed later.
 */
import type { Selectable } from 'kysely';
import type { ClusterEvent, EventType } from '@berth/api-types';
import type { EventsTable } from './database.js';
import { iso } from './object-rows.js';
import type { Session } from './session.js';

export interface NewEvent {
  project: string;
  cluster: string;
  clusterUid: string;
  type?: EventType;
  reason: string;
  message: string;
  operation?: string;
  object?: { kind: string; name: string };
}

function render(raw: Selectable<EventsTable>): ClusterEvent {
  const event: ClusterEvent = {
    id: Number(raw.id),
    project: raw.project,
    cluster: raw.cluster,
    type: raw.type as EventType,
    reason: raw.reason,
    message: raw.message,
    time: iso(Number(raw.time)),
  };
  if (raw.operation !== null) event.operation = raw.operation;
  if (raw.object !== null) event.object = JSON.parse(raw.object) as { kind: string; name: string };
  return event;
}

export class EventRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async append(input: NewEvent): Promise<ClusterEvent> {
    return this.#session.write(async (ctx) => {
      const row = {
        id: await ctx.nextVersion(),
        project: input.project,
        cluster: input.cluster,
        cluster_uid: input.clusterUid,
        type: input.type ?? 'Normal',
        reason: input.reason,
        message: input.message,
        operation: input.operation ?? null,
        object: input.object ? JSON.stringify(input.object) : null,
        time: ctx.now,
      };
      await ctx.db.insertInto('events').values(row).execute();
      return render(row);
    });
  }

  /** Events of a cluster with id greater than `since`, oldest first. */
  async list(
    clusterUid: string,
    options: { since?: number; limit?: number } = {},
  ): Promise<ClusterEvent[]> {
    return this.#session.read(async (db) => {
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('cluster_uid', '=', clusterUid)
        .where('id', '>', options.since ?? 0)
        .orderBy('id')
        .limit(options.limit ?? 100)
        .execute();
      return rows.map(render);
    });
  }

  /** The newest `limit` events of a cluster, oldest first (to show recent history). */
  async tail(clusterUid: string, limit: number): Promise<ClusterEvent[]> {
    return this.#session.read(async (db) => {
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('cluster_uid', '=', clusterUid)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(render).reverse();
    });
  }
}
