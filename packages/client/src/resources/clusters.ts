/** Clusters: CRUD, lifecycle actions, kubeconfigs and directory users' cluster credentials. */
import type { Cluster, ClusterCreateRequest, ClusterList, ClusterMetrics } from '@berth/api-types';
import { toAccepted, toPatched, type Accepted, type Patched } from '../accepted.js';
import { collectAll } from '../pages.js';
import { paths } from '../paths.js';
import type { Transport } from '../transport.js';
import { page, type CallOptions, type ListOptions } from './projects.js';

/** A JSON merge patch (RFC 7396) of a cluster; `metadata.resourceVersion` makes it conditional. */
export interface ClusterPatch {
  metadata?: { resourceVersion?: string; labels?: Record<string, string | null> };
  spec?: Record<string, unknown>;
}

export const MERGE_PATCH = 'application/merge-patch+json';

export function clustersApi(t: Transport) {
  const list = (project: string, o: ListOptions = {}) =>
    t.json<ClusterList>({
      method: 'GET',
      path: paths.clusters(project),
      query: page(o),
      signal: o.signal,
    });
  const action = async (
    project: string,
    cluster: string,
    name: 'start' | 'stop' | 'upgrade' | 'renew-certificates',
    body: unknown,
    o: CallOptions,
  ): Promise<Accepted<Cluster>> => {
    const path = paths.clusterAction(project, cluster, name);
    const answer = await t.json<unknown>({ method: 'POST', path, body, signal: o.signal });
    return toAccepted<Cluster>(answer, `${name} cluster ${cluster}`);
  };
  return {
    list,
    listAll: (project: string, o: CallOptions = {}) =>
      collectAll<Cluster>((q) => list(project, { ...q, ...o })),
    get: (project: string, cluster: string, o: CallOptions = {}) =>
      t.json<Cluster>({ method: 'GET', path: paths.cluster(project, cluster), signal: o.signal }),
    create: async (project: string, request: ClusterCreateRequest, o: CallOptions = {}) => {
      const path = paths.clusters(project);
      const answer = await t.json<unknown>({
        method: 'POST',
        path,
        body: request,
        signal: o.signal,
      });
      return toAccepted<Cluster>(answer, `create cluster ${request.metadata.name}`);
    },
    patch: async (project: string, cluster: string, patch: ClusterPatch, o: CallOptions = {}) => {
      const answer = await t.json<unknown>({
        method: 'PATCH',
        path: paths.cluster(project, cluster),
        body: patch,
        contentType: MERGE_PATCH,
        signal: o.signal,
      });
      return toPatched<Cluster>(answer) satisfies Patched<Cluster>;
    },
    delete: async (project: string, cluster: string, o: CallOptions = {}) => {
      const path = paths.cluster(project, cluster);
      const answer = await t.json<unknown>({ method: 'DELETE', path, signal: o.signal });
      return toAccepted<Cluster>(answer, `delete cluster ${cluster}`);
    },
    start: (project: string, cluster: string, o: CallOptions = {}) =>
      action(project, cluster, 'start', undefined, o),
    stop: (project: string, cluster: string, o: CallOptions = {}) =>
      action(project, cluster, 'stop', undefined, o),
    /**
     * Masters first, then the node groups that follow the cluster; `controlPlaneOnly` pins those
     * groups at the version they run (upgrade them later with `nodeGroups.upgrade`).
     */
    upgrade: (
      project: string,
      cluster: string,
      version: string,
      o: CallOptions & { controlPlaneOnly?: boolean } = {},
    ) =>
      action(
        project,
        cluster,
        'upgrade',
        o.controlPlaneOnly ? { version, controlPlaneOnly: true } : { version },
        o,
      ),
    /** Re-issues the control-plane certificates and rolls the masters (3 or 5) one at a time. */
    renewCertificates: (
      project: string,
      cluster: string,
      request: { onlyExpiringWithinDays?: number } = {},
      o: CallOptions = {},
    ) => action(project, cluster, 'renew-certificates', request, o),
    /** What the server observed about the cluster: reconcile passes and API requests over time. */
    metrics: (project: string, cluster: string, o: CallOptions = {}) =>
      t.json<ClusterMetrics>({
        method: 'GET',
        path: paths.clusterMetrics(project, cluster),
        signal: o.signal,
      }),
    /**
     * A signed-in directory user's token for the cluster's API server, as an ExecCredential
     * (client.authentication.k8s.io/v1); `berth kubectl-credentials` prints it for kubectl.
     */
    credentials: (project: string, cluster: string, o: CallOptions = {}) =>
      t.json<ExecCredential>({
        method: 'POST',
        path: paths.credentials(project, cluster),
        signal: o.signal,
        retry: false,
      }),
    /** The admin kubeconfig as YAML text; it holds credentials, so store it with mode 0600. */
    kubeconfig: (project: string, cluster: string, o: CallOptions = {}) =>
      t.text({
        method: 'GET',
        path: paths.kubeconfig(project, cluster),
        accept: 'application/yaml, text/yaml;q=0.9, text/plain;q=0.5',
        signal: o.signal,
      }),
  };
}

export type ClustersApi = ReturnType<typeof clustersApi>;

export interface ExecCredential {
  apiVersion: 'client.authentication.k8s.io/v1';
  kind: 'ExecCredential';
  status: { token: string; expirationTimestamp: string };
}
