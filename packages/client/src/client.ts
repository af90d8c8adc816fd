/**
 * `BerthClient`: the typed client of the Berth /v1 API over Node's global `fetch`.
 *
 * ```ts
 * const berth = new BerthClient({ endpoint: 'http://127.0.0.1:7070', token });
 * const { operation } = await berth.clusters.create('default', { metadata: { name: 'demo' } });
 * await berth.waitForOperation(operation.id, { onEvent: (e) => console.log(e.message) });
 * ```
 *
 * Calls are grouped by resource (`projects`, `tokens`, `members`, `clusters`, `nodeGroups`, `nodes`,
 * `events`, `addons`, `monitoring`, `infra`, `operations`, `catalog`, `registry`); failures throw `ApiError`.
 */
import type { ClusterEvent, LoginResponse, Operation, TokenIdentity } from '@berth/api-types';
import { isApiError } from './api-error.js';
import { watchClusters, type ClusterChange, type WatchClustersOptions } from './cluster-watch.js';
import { streamClusterEvents, type StreamEventsOptions } from './event-stream.js';
import { paths } from './paths.js';
import { clustersApi } from './resources/clusters.js';
import {
  addonsApi,
  eventsApi,
  monitoringApi,
  nodeGroupsApi,
  nodesApi,
} from './resources/cluster-parts.js';
import { catalogApi, infraApi, operationsApi, registryApi } from './resources/platform.js';
import { membersApi, projectsApi, tokensApi } from './resources/projects.js';
import { Transport, type TransportOptions } from './transport.js';
import { waitForOperation, type OperationSource, type WaitOptions } from './wait.js';

export type BerthClientOptions = TransportOptions;

export class BerthClient implements OperationSource {
  readonly transport: Transport;
  readonly projects;
  readonly tokens;
  readonly members;
  readonly clusters;
  readonly nodeGroups;
  readonly nodes;
  readonly events;
  readonly addons;
  readonly monitoring;
  readonly infra;
  readonly operations;
  readonly catalog;
  readonly registry;

  constructor(options: BerthClientOptions) {
    const t = new Transport(options);
    this.transport = t;
    this.projects = projectsApi(t);
    this.tokens = tokensApi(t);
    this.members = membersApi(t);
    this.clusters = clustersApi(t);
    this.nodeGroups = nodeGroupsApi(t);
    this.nodes = nodesApi(t);
    this.events = eventsApi(t);
    this.addons = addonsApi(t);
    this.monitoring = monitoringApi(t);
    this.infra = infraApi(t);
    this.operations = operationsApi(t);
    this.catalog = catalogApi(t);
    this.registry = registryApi(t);
  }

  getOperation(id: string, signal?: AbortSignal): Promise<Operation> {
    return this.operations.get(id, { signal });
  }

  /** Live events of a cluster; see `streamClusterEvents` for the reconnect contract. */
  streamEvents(
    project: string,
    cluster: string,
    options: StreamEventsOptions = {},
  ): AsyncGenerator<ClusterEvent, void, undefined> {
    return streamClusterEvents(this.transport, paths.events(project, cluster), options);
  }

  /** Live changes of a project's clusters; see `watchClusters` for the list + watch contract. */
  watchClusters(
    project: string,
    options: WatchClustersOptions = {},
  ): AsyncGenerator<ClusterChange, void, undefined> {
    return watchClusters(this.transport, project, options);
  }

  /**
   * Signs a directory user in (no token needed); the answer's `token` is a session token for a
   * new client. Not retried: a failed attempt counts against the sign-in rate limit.
   */
  login(username: string, password: string, signal?: AbortSignal): Promise<LoginResponse> {
    return this.transport.json<LoginResponse>({
      method: 'POST',
      path: paths.login(),
      body: { username, password },
      signal,
      retry: false,
    });
  }

  /** Ends this client's session (a directory user's session token); API tokens get 400. */
  async logout(signal?: AbortSignal): Promise<void> {
    await this.transport.json<unknown>({
      method: 'POST',
      path: '/v1/logout',
      signal,
      retry: false,
    });
  }

  /** The token this client sends: its name, project (null: platform-wide) and role. */
  whoami(signal?: AbortSignal): Promise<TokenIdentity> {
    return this.transport.json<TokenIdentity>({ method: 'GET', path: paths.whoami(), signal });
  }

  /** Every recorded event of a cluster with an id above `since`, oldest first, page after page. */
  async listEvents(
    project: string,
    cluster: string,
    since: number,
    signal?: AbortSignal,
  ): Promise<ClusterEvent[]> {
    const events: ClusterEvent[] = [];
    for (let after = since; ;) {
      const page = await this.events.list(project, cluster, { since: after, limit: 500, signal });
      events.push(...page.items);
      const last = page.items.at(-1);
      if (!last || !page.metadata?.continue) return events;
      after = last.id;
    }
  }

  /** Why `op` cannot finish: its cluster or node group failed terminally after seeing it. */
  async blockedTarget(op: Operation, signal: AbortSignal): Promise<string | undefined> {
    const { project, cluster, kind, name, generation } = op.target;
    const c = await this.clusters.get(project, cluster, { signal }).catch(absent);
    if (c === undefined) return undefined; // deleted: the operation ends by itself
    const current = c.status.observedGeneration >= c.metadata.generation;
    if (c.status.phase === 'Error' && current && c.metadata.deletionRequestedAt === undefined)
      return `cluster "${cluster}" is in Error: ${c.status.message ?? 'see its conditions and events'}`;
    if (kind !== 'NodeGroup') return undefined;
    const ng = await this.nodeGroups.get(project, cluster, name, { signal }).catch(absent);
    if (ng?.status.phase === 'Error' && ng.status.observedGeneration >= generation)
      return `node group "${name}" is in Error: ${ng.status.message ?? 'see its conditions and events'}`;
    return undefined;
  }

  /** Follows an operation to its end; see `waitForOperation` in wait.ts for what it throws. */
  waitForOperation(id: string, options: WaitOptions = {}): Promise<Operation> {
    return waitForOperation(this, id, options);
  }
}

/** A 404 while looking: the object is gone, which is not a reason to stop waiting. */
function absent(err: unknown): undefined {
  if (isApiError(err) && err.status === 404) return undefined;
  throw err;
}
