/**
 * The events of one operation, for `waitForOperation`: followed live over the cluster's stream
 * while the operation runs, then — once it ended — read from the history for whatever the stream
 * had not delivered yet (an operation may end before the stream connects, and the events that
 * explain a failure often arrive last). Each event is reported once, in id order.
 */
import type { ClusterEvent, Operation } from '@berth/api-types';
import type { StreamEventsOptions } from './event-stream.js';

/** What following needs from a client; `BerthClient` provides it. */
export interface EventSource {
  streamEvents(
    project: string,
    cluster: string,
    o: StreamEventsOptions,
  ): AsyncIterable<ClusterEvent>;
  /** Every recorded event of the cluster with an id above `since`, oldest first. */
  listEvents(
    project: string,
    cluster: string,
    since: number,
    signal?: AbortSignal,
  ): Promise<ClusterEvent[]>;
}

/** Events of this operation, or of no operation in particular recorded since it began. */
export function belongsTo(event: ClusterEvent, op: Operation): boolean {
  if (event.operation !== undefined) return event.operation === op.id;
  return Date.parse(event.time) >= Date.parse(op.createdAt);
}

export class OperationEvents {
  /** Highest event id read from the cluster, whether or not it belonged to the operation. */
  private lastId = 0;
  private following: Promise<void> = Promise.resolve();

  constructor(
    private readonly source: EventSource,
    private readonly onEvent: ((event: ClusterEvent) => void) | undefined,
  ) {}

  /** Starts following the stream until `signal` aborts; `onArrival` fires per reported event. */
  follow(op: Operation, signal: AbortSignal, onArrival: () => void): void {
    this.following = (async () => {
      try {
        const { project, cluster } = op.target;
        for await (const event of this.source.streamEvents(project, cluster, { signal })) {
          if (this.take(event, op)) onArrival();
        }
      } catch {
        // Live progress only; the caller polls the operation, which stays the source of truth.
      }
    })();
  }

  /**
   * After the operation ended and following stopped: reports its events the stream had not
   * delivered. Best effort — the cluster may be gone after a delete.
   */
  async catchUp(op: Operation, signal: AbortSignal | undefined): Promise<void> {
    await this.following;
    if (!this.onEvent) return;
    try {
      const { project, cluster } = op.target;
      for (const event of await this.source.listEvents(project, cluster, this.lastId, signal)) {
        this.take(event, op);
      }
    } catch {
      // Nothing more to show; the operation's outcome is already known.
    }
  }

  private take(event: ClusterEvent, op: Operation): boolean {
    if (event.id <= this.lastId) return false;
    this.lastId = event.id;
    if (!belongsTo(event, op)) return false;
    this.onEvent?.(event);
    return true;
  }
}
