/**
 * Live changes of a project's clusters: the SSE stream of `GET /v1/projects/{p}/clusters` with
 * `Accept: text/event-stream`. Each change carries the cluster as it is now (`upsert`) or says it
 * is gone (`delete`), with the version it was read at.
 *
 * List, then watch from the list's `metadata.resourceVersion` (`since`), and nothing is missed.
 * The stream reconnects after connection loss with `Last-Event-ID` set to the last version it
 * yielded (waiting the server's `retry:` delay or a growing backoff); `onReconnect` tells a
 * consumer, which may re-list to be safe. It ends when the signal aborts or the consumer stops;
 * it throws only when the server refuses the stream for good (4xx other than 429).
 */
import type { Cluster } from '@berth/api-types';
import { isAbortError } from './api-error.js';
import { connect, isRefusal } from './event-stream.js';
import { paths } from './paths.js';
import { sleep } from './portable.js';
import type { SseMessage } from './sse.js';
import type { Transport } from './transport.js';

export type ClusterChange =
  | { type: 'upsert'; version: number; cluster: Cluster }
  | { type: 'delete'; version: number; name: string; uid: string };

export interface WatchClustersOptions {
  /** A list's `metadata.resourceVersion` (or a change's `version`): start right after it. */
  since?: string | number | undefined;
  signal?: AbortSignal | undefined;
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Called before each reconnection, after the stream was lost. */
  onReconnect?: () => void;
}

export async function* watchClusters(
  transport: Transport,
  project: string,
  options: WatchClustersOptions = {},
): AsyncGenerator<ClusterChange, void, undefined> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) return;
  const baseDelay = options.reconnectDelayMs ?? 1_000;
  const maxDelay = options.maxReconnectDelayMs ?? 30_000;
  let lastId = options.since === undefined ? undefined : Number(options.since);
  let serverDelay: number | undefined;
  let failures = 0;
  try {
    while (!stop.signal.aborted) {
      try {
        const path = paths.clusters(project);
        for await (const message of connect(transport, path, lastId, stop.signal, false)) {
          if (message.retry !== undefined) serverDelay = message.retry;
          const change = parseChange(message);
          if (!change || (lastId !== undefined && change.version <= lastId)) continue;
          failures = 0;
          lastId = change.version;
          yield change;
        }
      } catch (err) {
        if (stop.signal.aborted || isAbortError(err)) return;
        if (isRefusal(err)) throw err;
        failures++;
      }
      const delay = serverDelay ?? Math.min(maxDelay, baseDelay * 2 ** Math.max(0, failures - 1));
      await sleep(delay, stop.signal).catch(() => undefined);
      if (!stop.signal.aborted) options.onReconnect?.();
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

/** The change a message carries, or undefined for keep-alives and anything unreadable. */
export function parseChange(message: SseMessage): ClusterChange | undefined {
  const version = Number(message.id);
  if (message.data === '' || !Number.isInteger(version)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message.data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.type === 'upsert' && typeof v.cluster === 'object' && v.cluster !== null)
    return { type: 'upsert', version, cluster: v.cluster as Cluster };
  if (v.type === 'delete' && typeof v.name === 'string')
    return { type: 'delete', version, name: v.name, uid: String(v.uid ?? '') };
  return undefined;
}
