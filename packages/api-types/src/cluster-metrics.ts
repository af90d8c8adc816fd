/**
 * ClusterMetrics: what berth server itself observed about one cluster, in fixed time buckets:
 * reconcile passes of the cluster and its node groups, and API requests on the cluster's paths.
 * Kept in the memory of the replica that answers (reconciles only on the leader) for the last
 * hour; `since` says when it began recording. Prometheus (`/metrics`) has the same figures
 * summed over all clusters.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed, Timestamp } from './schema-helpers.js';

export const ClusterMetricsSample = Closed(
  {
    time: Timestamp,
    reconciles: Type.Integer({
      minimum: 0,
      description: 'Reconcile passes that ended in the bucket',
    }),
    reconcileErrors: Type.Integer({
      minimum: 0,
      description: 'Of those, passes that failed (error, timeout or terminal)',
    }),
    reconcileSeconds: Type.Number({ minimum: 0, description: 'Their total duration' }),
    requests: Type.Integer({ minimum: 0, description: "API requests on the cluster's paths" }),
    requestSeconds: Type.Number({ minimum: 0, description: 'Their total duration' }),
    requestMaxSeconds: Type.Number({ minimum: 0, description: 'The slowest of them' }),
  },
  { title: 'ClusterMetricsSample' },
);
export type ClusterMetricsSample = Static<typeof ClusterMetricsSample>;

export const ClusterMetrics = Closed(
  {
    cluster: Type.String(),
    stepSeconds: Type.Integer({ minimum: 1, description: 'Width of each bucket' }),
    since: Type.String({ format: 'date-time', description: 'When this replica began recording' }),
    samples: Type.Array(ClusterMetricsSample, {
      description: 'Buckets with activity, oldest first (a missing bucket had none)',
    }),
  },
  { title: 'ClusterMetrics' },
);
export type ClusterMetrics = Static<typeof ClusterMetrics>;
