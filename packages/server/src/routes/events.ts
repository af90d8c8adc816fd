/**
 * `GET …/clusters/{c}/events`: the cluster's history as JSON (`?since=<id>&limit=`, oldest
 * first), or — with `Accept: text/event-stream` — a live SSE stream that first replays history
 * after `Last-Event-ID` (or `?since`) and then follows new events.
 */
import { Type } from '@sinclair/typebox';
import { EventList, type ClusterEvent } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import {
  errorResponses,
  principalOf,
  ClusterParams,
  CLUSTER_PATH,
  type RouteContext,
} from '../http.js';
import { streamEvents } from '../sse.js';

const EventsQuery = Type.Object(
  {
    since: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Only events with a greater id' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    continue: Type.Optional(Type.String({ maxLength: 40, description: 'From the previous page' })),
  },
  { additionalProperties: false },
);

function lastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && /^\d{1,15}$/.test(value)) return Number(value);
  throw new BerthError('BERTH_ERR_VALIDATION', 'Last-Event-ID must be the id of an event', {
    field: 'Last-Event-ID',
  });
}

function sinceOf(query: { since?: number; continue?: string }): number {
  if (query.continue === undefined) return query.since ?? 0;
  if (/^\d{1,15}$/.test(query.continue)) return Number(query.continue);
  throw new BerthError(
    'BERTH_ERR_VALIDATION',
    'continue is not a token returned by a previous page',
    { field: 'continue' },
  );
}

export function eventRoutes({ app, auth, store, deps, streams }: RouteContext): void {
  app.get(`${CLUSTER_PATH}/events`, {
    schema: {
      tags: ['clusters'],
      summary: "A cluster's event history; Accept: text/event-stream streams it live",
      operationId: 'listClusterEvents',
      params: ClusterParams,
      querystring: EventsQuery,
      response: {
        200: {
          description: 'History page, or an SSE stream (`id:` + `data: <event JSON>`)',
          content: {
            'application/json': { schema: EventList },
            'text/event-stream': { schema: Type.String() },
          },
        },
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      const { project, cluster } = request.params;
      await auth.authorize(principalOf(request), project, 'viewer');
      const found = await store.clusters.require({ project, name: cluster });
      const resumeAfter = lastEventId(request.headers['last-event-id']);
      const since = sinceOf(request.query);
      if ((request.headers.accept ?? '').includes('text/event-stream')) {
        streamEvents(request, reply, {
          store,
          clusterUid: found.metadata.uid,
          after: resumeAfter ?? since,
          pollMs: deps.options?.ssePollMs ?? 250,
          heartbeatMs: deps.options?.sseHeartbeatMs ?? 15_000,
          streams,
        });
        return reply;
      }
      const limit = request.query.limit ?? 100;
      const items: ClusterEvent[] = await store.events.list(found.metadata.uid, { since, limit });
      const last = items[items.length - 1];
      const body: EventList = {
        metadata: items.length === limit && last ? { continue: String(last.id) } : {},
        items,
      };
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(body) as never);
    },
  });
}
