/** What lives under a cluster: node groups, nodes, the event history and addons. */
import type {
  AddonStatus,
  ClusterAddon,
  ClusterNode,
  EventList,
  NodeGroup,
  NodeGroupCreateRequest,
  NodeGroupList,
  NodeList,
  MonitoringQueryResult,
} from '@berth/api-types';
import { toAccepted, toPatched, type Accepted, type Patched } from '../accepted.js';
import { collectAll } from '../pages.js';
import { paths } from '../paths.js';
import type { Transport } from '../transport.js';
import { MERGE_PATCH } from './clusters.js';
import { page, type CallOptions, type ListOptions } from './projects.js';

/** A JSON merge patch of a node group, e.g. `{spec: {count: 5}}`. */
export interface NodeGroupPatch {
  metadata?: { resourceVersion?: string; labels?: Record<string, string | null> };
  spec?: Record<string, unknown>;
}

export function nodeGroupsApi(t: Transport) {
  const list = (project: string, cluster: string, o: ListOptions = {}) =>
    t.json<NodeGroupList>({
      method: 'GET',
      path: paths.nodeGroups(project, cluster),
      query: page(o),
      signal: o.signal,
    });
  return {
    list,
    listAll: (project: string, cluster: string, o: CallOptions = {}) =>
      collectAll<NodeGroup>((q) => list(project, cluster, { ...q, ...o })),
    get: (project: string, cluster: string, name: string, o: CallOptions = {}) =>
      t.json<NodeGroup>({
        method: 'GET',
        path: paths.nodeGroup(project, cluster, name),
        signal: o.signal,
      }),
    create: async (
      project: string,
      cluster: string,
      request: NodeGroupCreateRequest,
      o: CallOptions = {},
    ): Promise<Accepted<NodeGroup>> => {
      const path = paths.nodeGroups(project, cluster);
      const answer = await t.json<unknown>({
        method: 'POST',
        path,
        body: request,
        signal: o.signal,
      });
      return toAccepted<NodeGroup>(answer, `create node group ${request.metadata.name}`);
    },
    patch: async (
      project: string,
      cluster: string,
      name: string,
      patch: NodeGroupPatch,
      o: CallOptions = {},
    ): Promise<Patched<NodeGroup>> => {
      const answer = await t.json<unknown>({
        method: 'PATCH',
        path: paths.nodeGroup(project, cluster, name),
        body: patch,
        contentType: MERGE_PATCH,
        signal: o.signal,
      });
      return toPatched<NodeGroup>(answer);
    },
    /**
     * Moves the group to `version` (at most 3 minors behind the cluster, never newer); the
     * cluster's own version makes it follow the cluster again.
     */
    upgrade: async (
      project: string,
      cluster: string,
      name: string,
      version: string,
      o: CallOptions = {},
    ) => {
      const path = paths.nodeGroupUpgrade(project, cluster, name);
      const body = { version };
      const answer = await t.json<unknown>({ method: 'POST', path, body, signal: o.signal });
      return toAccepted<NodeGroup>(answer, `upgrade node group ${name}`);
    },
    delete: async (project: string, cluster: string, name: string, o: CallOptions = {}) => {
      const path = paths.nodeGroup(project, cluster, name);
      const answer = await t.json<unknown>({ method: 'DELETE', path, signal: o.signal });
      return toAccepted<NodeGroup>(answer, `delete node group ${name}`);
    },
  };
}

export function nodesApi(t: Transport) {
  const list = (project: string, cluster: string, o: ListOptions = {}) =>
    t.json<NodeList>({
      method: 'GET',
      path: paths.nodes(project, cluster),
      query: page(o),
      signal: o.signal,
    });
  return {
    list,
    listAll: (project: string, cluster: string, o: CallOptions = {}) =>
      collectAll<ClusterNode>((q) => list(project, cluster, { ...q, ...o })),
  };
}

export interface EventQueryOptions extends CallOptions {
  /** Only events with a greater id. */
  since?: number | undefined;
  limit?: number | undefined;
}

export function eventsApi(t: Transport) {
  return {
    /** One page of history; page on with `since` = the last id returned. */
    list: (project: string, cluster: string, o: EventQueryOptions = {}) =>
      t.json<EventList>({
        method: 'GET',
        path: paths.events(project, cluster),
        query: { since: o.since, limit: o.limit },
        signal: o.signal,
      }),
  };
}

/** An addon as a cluster lists it: what was asked for, and how it is going. */
export type ClusterAddonView = ClusterAddon & { status?: AddonStatus };

export function addonsApi(t: Transport) {
  return {
    list: (project: string, cluster: string, o: CallOptions = {}) =>
      t.json<{ items: ClusterAddonView[] }>({
        method: 'GET',
        path: paths.addons(project, cluster),
        signal: o.signal,
      }),
    install: async (project: string, cluster: string, addon: ClusterAddon, o: CallOptions = {}) => {
      const path = paths.addons(project, cluster);
      const answer = await t.json<unknown>({ method: 'POST', path, body: addon, signal: o.signal });
      return toAccepted<ClusterAddonView>(answer, `install addon ${addon.name}`);
    },
    remove: async (project: string, cluster: string, name: string, o: CallOptions = {}) => {
      const path = paths.addon(project, cluster, name);
      const answer = await t.json<unknown>({ method: 'DELETE', path, signal: o.signal });
      return toAccepted<ClusterAddonView>(answer, `remove addon ${name}`);
    },
  };
}

export type NodeGroupsApi = ReturnType<typeof nodeGroupsApi>;
export type NodesApi = ReturnType<typeof nodesApi>;
export type EventsApi = ReturnType<typeof eventsApi>;
export type AddonsApi = ReturnType<typeof addonsApi>;

/** Instant and range PromQL queries against a cluster's Prometheus (the monitoring addon). */
export function monitoringApi(t: Transport) {
  return {
    /** The value of `promql` at `time` (RFC 3339 or unix seconds; default now). */
    query: (
      project: string,
      cluster: string,
      promql: string,
      o: CallOptions & { time?: string | number } = {},
    ) =>
      t.json<MonitoringQueryResult>({
        method: 'GET',
        path: paths.monitoring(project, cluster, 'query'),
        query: o.time === undefined ? { query: promql } : { query: promql, time: String(o.time) },
        signal: o.signal,
      }),
    /** `promql` from `start` to `end` every `step` (a duration such as `30s`, or seconds). */
    queryRange: (
      project: string,
      cluster: string,
      promql: string,
      range: { start: string | number; end: string | number; step: string | number },
      o: CallOptions = {},
    ) =>
      t.json<MonitoringQueryResult>({
        method: 'GET',
        path: paths.monitoring(project, cluster, 'query_range'),
        query: {
          query: promql,
          start: String(range.start),
          end: String(range.end),
          step: String(range.step),
        },
        signal: o.signal,
      }),
  };
}

export type MonitoringApi = ReturnType<typeof monitoringApi>;
