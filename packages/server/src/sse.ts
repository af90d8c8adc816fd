/**
 * Live event stream (Server-Sent Events) of one cluster. The stream polls the store every
 * `pollMs` for events after the last id sent, so it works the same on every replica sharing a
 * database: event ids are assigned in commit order, so `id > last` never skips one. Each event is
 * `id: <id>` + `data: <json>`; a comment line every `heartbeatMs` keeps proxies from timing out;
 * reconnecting clients send `Last-Event-ID` and resume exactly after it. When the cluster is gone
 * the stream sends `event: end` and closes.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClusterEvent } from '@berth/api-types';
import type { Store } from '@berth/store';

export interface StreamOptions {
  store: Store;
  clusterUid: string;
  /** Send events with id greater than this. */
  after: number;
  pollMs: number;
  heartbeatMs: number;
  /** Registry of open streams, so shutdown can end them. */
  streams: Set<ServerResponse>;
}

/** Polls between existence checks of the cluster (deleted → end of stream). */
const EXISTENCE_CHECK_EVERY = 20;

function frame(event: ClusterEvent): string {
  return `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function streamEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  options: StreamOptions,
): void {
  const { store, clusterUid, pollMs, heartbeatMs, streams } = options;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n: connected\n\n');
  streams.add(res);
  let last = options.after;
  let polls = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    clearInterval(heartbeat);
    streams.delete(res);
    if (!res.writableEnded) res.end();
  };
  request.raw.on('close', close);
  res.on('close', close);

  const poll = async () => {
    try {
      const events = await store.events.list(clusterUid, { since: last, limit: 500 });
      for (const event of events) {
        if (closed) return;
        res.write(frame(event));
        last = event.id;
      }
      if (++polls % EXISTENCE_CHECK_EVERY === 0 && !(await store.clusters.getByUid(clusterUid))) {
        res.write('event: end\ndata: {"reason":"ClusterDeleted"}\n\n');
        close();
        return;
      }
    } catch (err) {
      request.log.warn({ err }, 'event stream poll failed; retrying');
    }
    if (!closed) timer = setTimeout(() => void poll(), pollMs);
  };
  void poll();
}
