/**
 * Live changes of a project's clusters (Server-Sent Events), for clients that show a list and
 * keep it current — the console's clusters page — without re-reading the whole list.
 *
 * `GET /v1/projects/{p}/clusters` with `Accept: text/event-stream` streams one message per
 * changed cluster: `id: <version>` and `data: {"type":"upsert","cluster":{…}}`, or
 * `{"type":"delete","name":"…","uid":"…"}` once a cluster is gone. Pass a list's
 * `metadata.resourceVersion` (or the last `id:` seen) as `Last-Event-ID` and the stream starts
 * right after it, so list + watch misses nothing; without it, it starts now.
 *
 * The stream polls the store's change feed every `pollMs` (changes made by any replica sharing
 * the database) and sends each changed cluster as it reads now, once per poll however many
 * writes it had: clients get the current state, not every intermediate one.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Cluster } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import type { Change, Store } from '@berth/store';

export interface ClusterWatchOptions {
  store: Store;
  project: string;
  /** Send changes with a version greater than this. */
  after: number;
  pollMs: number;
  heartbeatMs: number;
  /** Registry of open streams, so shutdown can end them. */
  streams: Set<ServerResponse>;
}

export type ClusterWatchEvent =
  { type: 'upsert'; cluster: Cluster } | { type: 'delete'; name: string; uid: string };

const BATCH = 1000;

/** The last change of each cluster of `project` in `changes`, in the order they last changed. */
export function latestPerCluster(changes: readonly Change[], project: string): Change[] {
  const latest = new Map<string, Change>();
  for (const change of changes) {
    if (change.kind !== 'Cluster' || change.project !== project) continue;
    latest.delete(change.name);
    latest.set(change.name, change);
  }
  return [...latest.values()];
}

/** What the cluster named by `change` is now: a newer cluster of that name replaces it. */
async function eventFor(store: Store, change: Change): Promise<ClusterWatchEvent> {
  const cluster = await store.clusters.get({ project: change.project, name: change.name });
  return cluster
    ? { type: 'upsert', cluster }
    : { type: 'delete', name: change.name, uid: change.uid };
}

/**
 * Where a watch starts: after the version in `Last-Event-ID` (a list's resourceVersion or the
 * last id received), or — without the header — now (-1).
 */
export function watchStart(header: string | string[] | undefined): number {
  if (header === undefined) return -1;
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && /^\d{1,15}$/.test(value)) return Number(value);
  throw new BerthError(
    'BERTH_ERR_VALIDATION',
    'Last-Event-ID must be a list resourceVersion or the id of a watch message',
    { field: 'Last-Event-ID' },
  );
}

/**
 * Answers with the stream. Without a start version it reads the newest one first, before the
 * response says `connected`, so every change committed after a client saw that line is sent.
 */
export async function watchClusters(
  request: FastifyRequest,
  reply: FastifyReply,
  options: ClusterWatchOptions,
): Promise<void> {
  const { store, project, pollMs, heartbeatMs, streams } = options;
  const start = options.after >= 0 ? options.after : await store.changes.latestCursor();
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
  let cursor = start;
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
      for (;;) {
        const batch = await store.changes.listSince(cursor, BATCH);
        for (const change of latestPerCluster(batch.changes, project)) {
          const event = await eventFor(store, change);
          if (closed) return;
          res.write(`id: ${change.id}\ndata: ${JSON.stringify(event)}\n\n`);
        }
        cursor = batch.cursor;
        if (closed || batch.changes.length < BATCH) break;
      }
    } catch (err) {
      request.log.warn({ err }, 'cluster watch poll failed; retrying');
    }
    if (!closed) timer = setTimeout(() => void poll(), pollMs);
  };
  void poll();
}
