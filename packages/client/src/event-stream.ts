/**
 * A cluster's events as an async iterator over the SSE stream of
 * `GET /v1/projects/{p}/clusters/{c}/events` (`Accept: text/event-stream`).
 *
 * The stream survives connection loss: it reconnects with `Last-Event-ID` (and `?since=`) set to
 * the last id it yielded, waiting the server's `retry:` delay or a growing backoff, and skips ids
 * it has already yielded, so a consumer sees every event once and in order. Without `since` the
 * server replays the whole history first. It ends when the signal aborts, the consumer stops
 * iterating or the server sends `event: end` (the cluster was deleted); it throws only when the
 * server refuses the stream for good (any 4xx but 429, e.g. no such cluster, token not allowed).
 */
import type { ClusterEvent } from '@berth/api-types';
import { ApiError, isAbortError } from './api-error.js';
import { sleep } from './portable.js';
import { SseParser, type SseMessage } from './sse.js';
import type { Transport } from './transport.js';

/** The message a server sends before closing a stream that has nothing more to come. */
export const END_EVENT = 'end';

export interface StreamEventsOptions {
  /** Start after this event id; without it the server decides where the stream begins. */
  since?: number | undefined;
  signal?: AbortSignal | undefined;
  /** First reconnection delay when the server sent no `retry:`; doubles up to `maxDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

export async function* streamClusterEvents(
  transport: Transport,
  path: string,
  options: StreamEventsOptions = {},
): AsyncGenerator<ClusterEvent, void, undefined> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) return;
  const baseDelay = options.reconnectDelayMs ?? 1_000;
  const maxDelay = options.maxReconnectDelayMs ?? 30_000;
  let lastId = options.since;
  let serverDelay: number | undefined;
  let failures = 0;
  try {
    while (!stop.signal.aborted) {
      try {
        for await (const message of connect(transport, path, lastId, stop.signal)) {
          if (message.retry !== undefined) serverDelay = message.retry;
          if (message.event === END_EVENT) return;
          const event = parseEvent(message);
          if (!event || (lastId !== undefined && event.id <= lastId)) continue;
          failures = 0;
          lastId = event.id;
          yield event;
        }
      } catch (err) {
        if (stop.signal.aborted || isAbortError(err)) return;
        if (isRefusal(err)) throw err;
        failures++;
      }
      const delay = serverDelay ?? Math.min(maxDelay, baseDelay * 2 ** Math.max(0, failures - 1));
      await sleep(delay, stop.signal).catch(() => undefined);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

/**
 * One connection: yields its messages until the server closes it. `lastId` goes out as
 * `Last-Event-ID`, and as `?since=` unless `sinceQuery` is false.
 */
export async function* connect(
  transport: Transport,
  path: string,
  lastId: number | undefined,
  signal: AbortSignal,
  sinceQuery = true,
): AsyncGenerator<SseMessage> {
  const headers: Record<string, string> = { 'cache-control': 'no-cache' };
  if (lastId !== undefined) headers['last-event-id'] = String(lastId);
  const res = await transport.send({
    method: 'GET',
    path,
    query: { since: sinceQuery ? lastId : undefined },
    accept: 'text/event-stream',
    headers,
    signal,
    retry: false,
  });
  if (!res.body) return;
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** A 4xx other than 429: reconnecting would get the same answer. */
export function isRefusal(err: unknown): boolean {
  return err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 429;
}

/** The event a message carries, or undefined for keep-alives and messages of other kinds. */
function parseEvent(message: SseMessage): ClusterEvent | undefined {
  if (message.data === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message.data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as ClusterEvent;
  if (typeof event.id !== 'number') {
    const id = Number(message.id);
    if (!Number.isInteger(id)) return undefined;
    event.id = id;
  }
  return event;
}
