/**
 * A cluster page's live data: its event history then the live stream (one SSE connection), the
 * cluster re-read whenever an event arrives (debounced) and every few seconds as a backstop,
 * and the running operation — the newest one an event names — polled until it ends.
 */
import { useEffect, useRef, useState } from 'react';
import type { Cluster, ClusterEvent, Operation } from '@berth/api-types';
import { isApiError, type BerthClient } from '@berth/client';

export interface LiveCluster {
  cluster: Cluster | undefined;
  /** The cluster is gone (deleted, or never existed). */
  gone: boolean;
  error: unknown;
  events: ClusterEvent[];
  operation: Operation | undefined;
  /** Bumped on every event: views that show other reads (node groups, nodes) reload on it. */
  revision: number;
  refresh(): void;
}

const MAX_EVENTS = 5000;

export function useLiveCluster(client: BerthClient, project: string, name: string): LiveCluster {
  const [cluster, setCluster] = useState<Cluster>();
  const [gone, setGone] = useState(false);
  const [error, setError] = useState<unknown>();
  const [events, setEvents] = useState<ClusterEvent[]>([]);
  const [operationId, setOperationId] = useState<string>();
  const [operation, setOperation] = useState<Operation>();
  const [revision, setRevision] = useState(0);
  const reload = useRef<() => void>(() => undefined);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setCluster(undefined);
    setGone(false);
    setEvents([]);
    setOperationId(undefined);
    setOperation(undefined);
    const read = async () => {
      try {
        const c = await client.clusters.get(project, name, { signal });
        if (!signal.aborted) {
          setCluster(c);
          setError(undefined);
        }
      } catch (err) {
        if (signal.aborted) return;
        if (isApiError(err) && err.status === 404) setGone(true);
        else setError(err);
      }
    };
    reload.current = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void read();
        setRevision((r) => r + 1);
      }, 150);
    };
    void read();
    const backstop = setInterval(() => void read(), 5_000);
    const follow = async () => {
      let batch: ClusterEvent[] = [];
      let flush: ReturnType<typeof setTimeout> | undefined;
      for await (const event of client.streamEvents(project, name, { signal })) {
        batch.push(event);
        if (event.operation) setOperationId(event.operation);
        flush ??= setTimeout(() => {
          const add = batch;
          batch = [];
          flush = undefined;
          setEvents((old) => [...old, ...add].slice(-MAX_EVENTS));
          reload.current();
        }, 100);
      }
      if (!signal.aborted) reload.current();
    };
    follow().catch((err: unknown) => {
      if (signal.aborted) return;
      if (isApiError(err) && err.status === 404) setGone(true);
      else setError(err);
    });
    return () => {
      controller.abort();
      clearInterval(backstop);
      clearTimeout(timer);
    };
  }, [client, project, name]);

  useEffect(() => {
    if (!operationId) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const op = await client.operations.get(operationId, { signal: controller.signal });
        setOperation(op);
        if (op.phase === 'Succeeded' || op.phase === 'Failed') return;
      } catch {
        if (controller.signal.aborted) return;
      }
      timer = setTimeout(() => void poll(), 1_000);
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [client, operationId]);

  return { cluster, gone, error, events, operation, revision, refresh: () => reload.current() };
}
