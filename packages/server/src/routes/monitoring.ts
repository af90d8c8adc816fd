/**
 * `…/clusters/{c}/monitoring/query` and `…/query_range`: PromQL against the cluster's own
 * Prometheus (the `monitoring` addon), with the reader's rights: whoever may read the cluster
 * (viewer) may query it; Berth asks as the cluster's admin. See MonitoringService for errors.
 */
import {
  MonitoringQueryParams,
  MonitoringQueryResult,
  MonitoringRangeParams,
} from '@berth/api-types';
import type { MonitoringService } from '../monitoring-service.js';
import { ClusterParams, CLUSTER_PATH, ok, principalOf, type RouteContext } from '../http.js';
import { abortOnClose } from './cluster-views.js';

export function monitoringRoutes(
  { app, auth, store }: RouteContext,
  monitoring: MonitoringService,
): void {
  app.get(`${CLUSTER_PATH}/monitoring/query`, {
    schema: {
      tags: ['monitoring'],
      summary: "A PromQL instant query against the cluster's Prometheus (monitoring addon); viewer",
      operationId: 'queryClusterMonitoring',
      params: ClusterParams,
      querystring: MonitoringQueryParams,
      response: ok(MonitoringQueryResult),
    },
    handler: async (request) => {
      const { project, cluster } = request.params;
      await auth.authorize(principalOf(request), project, 'viewer');
      const found = await store.clusters.require({ project, name: cluster });
      const { query, time } = request.query;
      const params: Record<string, string> = time === undefined ? { query } : { query, time };
      return monitoring.query(found, 'query', params, abortOnClose(request.raw));
    },
  });

  app.get(`${CLUSTER_PATH}/monitoring/query_range`, {
    schema: {
      tags: ['monitoring'],
      summary: "A PromQL range query against the cluster's Prometheus (monitoring addon); viewer",
      operationId: 'queryRangeClusterMonitoring',
      params: ClusterParams,
      querystring: MonitoringRangeParams,
      response: ok(MonitoringQueryResult),
    },
    handler: async (request) => {
      const { project, cluster } = request.params;
      await auth.authorize(principalOf(request), project, 'viewer');
      const found = await store.clusters.require({ project, name: cluster });
      const { query, start, end, step } = request.query;
      return monitoring.query(
        found,
        'query_range',
        { query, start, end, step },
        abortOnClose(request.raw),
      );
    },
  });
}
