/**
 * Event: one entry in a cluster's history. `id` grows monotonically (per cluster and globally), so
 * a client resumes a stream with `Last-Event-ID` or pages with `?since=<id>`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ListMeta } from './meta.js';
import { Closed, StringEnum, Timestamp } from './schema-helpers.js';

export const EVENT_TYPES = ['Normal', 'Warning'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ClusterEvent = Closed(
  {
    id: Type.Integer({ description: 'Monotonic; use as Last-Event-ID or ?since=' }),
    project: Type.String(),
    cluster: Type.String(),
    type: StringEnum(EVENT_TYPES),
    reason: Type.String({ description: 'CamelCase, e.g. CreateRequested, NodeGroupScaled' }),
    message: Type.String(),
    time: Timestamp,
    operation: Type.Optional(Type.String({ description: 'Operation id this event belongs to' })),
    object: Type.Optional(
      Closed({ kind: Type.String(), name: Type.String() }, { description: 'What it is about' }),
    ),
  },
  { title: 'ClusterEvent' },
);
export type ClusterEvent = Static<typeof ClusterEvent>;

export const EventList = Closed({ metadata: ListMeta, items: Type.Array(ClusterEvent) });
export type EventList = Static<typeof EventList>;

export const EventQuery = Closed({
  since: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Return events with id greater than this' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
export type EventQuery = Static<typeof EventQuery>;
