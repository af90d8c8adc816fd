/**
 * `GET …/clusters/{c}/metrics`: what this server observed about the cluster (reconcile passes,
 * API requests) in fixed buckets over the last hour — see ClusterActivity. A viewer may read it.
 */
import { ClusterMetrics } from '@berth/api-types';
import type { ClusterActivity } from '../cluster-activity.js';
import { ClusterParams, CLUSTER_PATH, ok, principalOf, type RouteContext } from '../http.js';

export function clusterMetricsRoutes(
  { app, auth, store }: RouteContext,
  activity: ClusterActivity,
): void {
  app.get(`${CLUSTER_PATH}/metrics`, {
    schema: {
      tags: ['clusters'],
      summary:
        'What this server observed about a cluster: reconcile passes and API requests per bucket, last hour',
      operationId: 'getClusterMetrics',
      params: ClusterParams,
      response: ok(ClusterMetrics),
    },
    handler: async (request): Promise<ClusterMetrics> => {
      const { project, cluster } = request.params;
      await auth.authorize(principalOf(request), project, 'viewer');
      await store.clusters.require({ project, name: cluster });
      return {
        cluster,
        stepSeconds: activity.stepMs / 1000,
        since: new Date(activity.since).toISOString(),
        samples: activity.samples(project, cluster),
      };
    },
  });
}
