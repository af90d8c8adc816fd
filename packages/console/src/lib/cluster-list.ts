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

/** A list being read: its first (small) page soon, every page later. */
export interface Listing {
  first: Promise<Listed>;
  all: Promise<Listed>;
}

/** A small first page paints a screenful quickly; the rest comes in pages of the maximum. */
const FIRST_PAGE = 100;
const PAGE = 500;

/**
 * Reads every page; `first` resolves with the first page, `all` with everything and the first
 * page's resourceVersion (the watch starts there, so nothing between the pages is missed).
 */
export function startListing(client: BerthClient, project: string, signal: AbortSignal): Listing {
  const map = new Map<string, Cluster>();
  let version: string | undefined;
  let firstDone: (listed: Listed) => void = () => undefined;
  const all = (async (): Promise<Listed> => {
    let cont: string | undefined;
    let limit = FIRST_PAGE;
    do {
      const page = await client.clusters.list(project, { limit, continue: cont, signal });
      version ??= page.metadata.resourceVersion;
      for (const c of page.items) map.set(c.metadata.name, c);
      if (limit === FIRST_PAGE) firstDone({ map: new Map(map), version });
      cont = page.metadata.continue;
      limit = PAGE;
    } while (cont);
    return { map, version };
  })();
  const first = new Promise<Listed>((resolve, reject) => {
    firstDone = resolve;
    all.catch(reject);
  });
  all.catch(() => undefined); // whoever awaits it sees the failure
  first.catch(() => undefined);
  return { first, all };
}

/**
 * A list read started early — on a reload, while the session is still being checked — so the
 * page does not wait for sign-in before asking. Any age is correct (the watch replays what
 * changed since its version); it is only used while fresh, to avoid replaying much.
 */
export interface PrefetchedList {
  project: string;
  at: number;
  listing: Listing;
}

export function prefetchList(client: BerthClient, project: string): PrefetchedList {
  return {
    project,
    at: Date.now(),
    listing: startListing(client, project, new AbortController().signal),
  };
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
          ? prefetched.listing
          : undefined;
      const listing = early ?? startListing(client, project, signal);
      const first = await listing.first;
      if (signal.aborted) return;
      setState({
        clusters: sortedClusters(first.map),
        loaded: true,
        live: false,
        error: undefined,
      });
      const listed = await listing.all;
      if (signal.aborted) return;
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
