/**
 * A project's clusters, kept current: list every page, then watch the list's changes from the
 * first page's `resourceVersion` (so nothing between the two is missed). Bursts of changes are
 * applied together, at most every `flushMs`, so a thousand clusters changing at once cost a
 * handful of renders.
 */
import { useEffect, useState } from 'react';
import type { Cluster } from '@berth/api-types';
import type { BerthClient, ClusterChange } from '@berth/client';

export interface ClusterListState {
  clusters: Cluster[];
  loaded: boolean;
  /** True while the watch stream is connected. */
  live: boolean;
  error: unknown;
}

/** Applies one watch change to a name → cluster map (in place). */
export function applyChange(map: Map<string, Cluster>, change: ClusterChange): void {
  if (change.type === 'delete') map.delete(change.name);
  else map.set(change.cluster.metadata.name, change.cluster);
}

export function sortedClusters(map: Map<string, Cluster>): Cluster[] {
  return [...map.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

export interface Listed {
  map: Map<string, Cluster>;
  version: string | undefined;
}

/**
 * A list read started early — on a reload, while the session is still being checked — so the
 * page does not wait for sign-in before asking. Any age is correct (the watch replays what
 * changed since its version); it is only used while fresh, to avoid replaying much.
 */
export interface PrefetchedList {
  project: string;
  at: number;
  result: Promise<Listed>;
}

export function prefetchList(client: BerthClient, project: string): PrefetchedList {
  const result = listAll(client, project, new AbortController().signal);
  result.catch(() => undefined); // the page that uses it sees the failure
  return { project, at: Date.now(), result };
}

/** Every page of the list; returns the clusters and the first page's resourceVersion. */
export async function listAll(
  client: BerthClient,
  project: string,
  signal: AbortSignal,
): Promise<Listed> {
  const map = new Map<string, Cluster>();
  let version: string | undefined;
  let cont: string | undefined;
  do {
    const page = await client.clusters.list(project, { limit: 500, continue: cont, signal });
    version ??= page.metadata.resourceVersion;
    for (const c of page.items) map.set(c.metadata.name, c);
    cont = page.metadata.continue;
  } while (cont);
  return { map, version };
}

export function useClusterList(
  client: BerthClient,
  project: string,
  prefetched?: PrefetchedList,
  flushMs = 50,
): ClusterListState {
  const [state, setState] = useState<ClusterListState>({
    clusters: [],
    loaded: false,
    live: false,
    error: undefined,
  });
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let map = new Map<string, Cluster>();
    const flush = () => {
      timer = undefined;
      if (!signal.aborted) setState((s) => ({ ...s, clusters: sortedClusters(map), live: true }));
    };
    const run = async () => {
      const early =
        prefetched?.project === project && Date.now() - prefetched.at < 10_000
          ? prefetched.result
          : undefined;
      const listed = await (early ?? listAll(client, project, signal));
      map = listed.map;
      setState({ clusters: sortedClusters(map), loaded: true, live: false, error: undefined });
      const changes = client.watchClusters(project, {
        since: listed.version,
        signal,
        onReconnect: () => setState((s) => ({ ...s, live: false })),
      });
      setState((s) => ({ ...s, live: true }));
      for await (const change of changes) {
        applyChange(map, change);
        timer ??= setTimeout(flush, flushMs);
      }
    };
    run().catch((error: unknown) => {
      if (!signal.aborted) setState((s) => ({ ...s, loaded: true, live: false, error }));
    });
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [client, project, prefetched, flushMs]);
  return state;
}
