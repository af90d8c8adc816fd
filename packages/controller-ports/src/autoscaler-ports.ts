/**
 * The cluster autoscaler as the controllers see it: one process per cluster that some adapter
 * runs (the composition root's, over @berth/autoscaler's fleet), and the report it writes into
 * its cluster (health, scale-up state and backoff, scale-down candidates per node group).
 */
import type { AutoscalerStatus, Cluster } from '@berth/api-types';

/** What the autoscaler reports about one node group. */
export type AutoscalerGroupReport = Pick<
  AutoscalerStatus,
  'health' | 'scaleUp' | 'backoff' | 'scaleDownCandidates'
>;

export interface ClusterAutoscalers {
  /** Runs the cluster's autoscaler; idempotent, restarts it when its configuration changed. */
  run(cluster: Cluster, signal: AbortSignal): Promise<void>;
  /** Stops it and removes what it was given; a cluster without one resolves. */
  stop(clusterUid: string): Promise<void>;
  /** Stops every autoscaler this process runs (leadership lost, shutdown); they start again. */
  stopAll(): Promise<void>;
  /** Its report by node group name; undefined while the cluster's API cannot be read. */
  report(
    cluster: Cluster,
    vipAddress: string,
    signal: AbortSignal,
  ): Promise<Map<string, AutoscalerGroupReport> | undefined>;
}
