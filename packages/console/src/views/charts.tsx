/**
 * Charts: nodes per group over the cluster's life (from its events), and what berth server
 * observed about the cluster (reconcile passes, API latency), refreshed every 10 s.
 */
import { useEffect } from 'react';
import type { Cluster, ClusterEvent } from '@berth/api-types';
import { useSession } from '../lib/api.js';
import { nodesOverTime, type Series } from '../lib/charts.js';
import { ErrorBanner, useAsync, useNow } from '../components/common.js';
import { LineChart } from '../components/chart.js';

export function ChartsPanel({
  project,
  cluster,
  events,
}: {
  project: string;
  cluster: Cluster;
  events: ClusterEvent[];
}) {
  const { client } = useSession();
  const now = useNow(10_000);
  const name = cluster.metadata.name;
  const metrics = useAsync(
    (signal) => client.clusters.metrics(project, name, { signal }),
    [client, project, name],
  );
  const { reload } = metrics;
  useEffect(() => {
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [reload]);
  const samples = metrics.data?.samples ?? [];
  const at = (time: string) => Date.parse(time);
  const reconciles: Series[] = [
    { name: 'passes', points: samples.map((s) => ({ t: at(s.time), v: s.reconciles })) },
    { name: 'failed', points: samples.map((s) => ({ t: at(s.time), v: s.reconcileErrors })) },
  ];
  const latency: Series[] = [
    {
      name: 'mean ms',
      points: samples
        .filter((s) => s.requests > 0)
        .map((s) => ({ t: at(s.time), v: (s.requestSeconds / s.requests) * 1000 })),
    },
    {
      name: 'max ms',
      points: samples
        .filter((s) => s.requests > 0)
        .map((s) => ({ t: at(s.time), v: s.requestMaxSeconds * 1000 })),
    },
  ];
  const step = metrics.data?.stepSeconds ?? 10;
  return (
    <div className="charts">
      <LineChart
        title="Nodes per group (servers, from events)"
        series={nodesOverTime(events, now)}
        unit="nodes"
        step
      />
      <ErrorBanner error={metrics.error} />
      <LineChart title={`Reconcile passes per ${step} s`} series={reconciles} unit="passes" />
      <LineChart title="API latency on this cluster's paths" series={latency} unit="ms" />
      {metrics.data ? (
        <p className="muted small">
          Server figures are kept in memory by the replica that answered, since{' '}
          {new Date(metrics.data.since).toLocaleString()}.
        </p>
      ) : null}
    </div>
  );
}
