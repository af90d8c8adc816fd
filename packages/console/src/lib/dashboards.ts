/**
 * The monitoring dashboards: every PromQL query the console sends to a cluster's Prometheus
 * (the `monitoring` addon, through `GET …/monitoring/query_range`), in one place — docs/addons.md
 * lists the same queries (a test keeps them equal). Queries read node-exporter (`node_…`),
 * kube-state-metrics (`kube_…`), the API server's own metrics (`apiserver_…`) and Traefik's
 * (`traefik_…`), which the addon's ServiceMonitors scrape.
 */
import type { MonitoringQueryResult } from '@berth/api-types';
import type { Series } from './charts.js';

export interface Panel {
  id: string;
  title: string;
  /** What the values are, after the legend's latest value. */
  unit: string;
  /** One line per query; `legend` names each series of its result. */
  queries: { query: string; legend: string | ((labels: Record<string, string>) => string) }[];
}

/** A window of the last hour, one point a minute: 60 points per series, cheap to draw. */
export const RANGE_SECONDS = 3_600;
export const STEP_SECONDS = 60;
/** How often the dashboards re-ask Prometheus. */
export const REFRESH_MS = 30_000;

const label = (name: string) => (labels: Record<string, string>) => labels[name] ?? '(none)';

export const PANELS: readonly Panel[] = [
  {
    id: 'cpu',
    title: 'Cluster CPU use',
    unit: '%',
    queries: [
      {
        query: '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m])))',
        legend: 'all nodes',
      },
    ],
  },
  {
    id: 'memory',
    title: 'Cluster memory use',
    unit: '%',
    queries: [
      {
        query: '100 * (1 - sum(node_memory_MemAvailable_bytes) / sum(node_memory_MemTotal_bytes))',
        legend: 'all nodes',
      },
    ],
  },
  {
    id: 'nodes',
    title: 'Nodes',
    unit: 'nodes',
    queries: [
      { query: 'count(kube_node_info)', legend: 'nodes' },
      {
        query: 'sum(kube_node_status_condition{condition="Ready",status="true"})',
        legend: 'ready',
      },
    ],
  },
  {
    id: 'pods',
    title: 'Running pods by namespace',
    unit: 'pods',
    queries: [
      {
        query: 'sum by (namespace) (kube_pod_status_phase{phase="Running"})',
        legend: label('namespace'),
      },
    ],
  },
  {
    id: 'apiserver-rate',
    title: 'API server requests',
    unit: 'req/s',
    queries: [
      {
        query: 'sum by (verb) (rate(apiserver_request_total[5m]))',
        legend: label('verb'),
      },
    ],
  },
  {
    id: 'apiserver-latency',
    title: 'API server latency p99 (without WATCH and CONNECT)',
    unit: 'ms',
    queries: [
      {
        query:
          '1000 * histogram_quantile(0.99, sum by (le) (rate(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT"}[5m])))',
        legend: 'p99',
      },
    ],
  },
  {
    id: 'ingress',
    title: 'Ingress requests',
    unit: 'req/s',
    queries: [
      {
        query: 'sum by (entrypoint) (rate(traefik_entrypoint_requests_total[5m]))',
        legend: label('entrypoint'),
      },
    ],
  },
];

/** Every query of the dashboards, in panel order. */
export function dashboardQueries(): string[] {
  return PANELS.flatMap((p) => p.queries.map((q) => q.query));
}

/** The range the dashboards ask for at `nowMs`: unix seconds, aligned to the step. */
export function rangeAt(nowMs: number): { start: number; end: number; step: number } {
  const end = Math.floor(nowMs / 1000 / STEP_SECONDS) * STEP_SECONDS;
  return { start: end - RANGE_SECONDS, end, step: STEP_SECONDS };
}

/**
 * A query's answer as chart series, named by `legend`, sorted by name. Values Prometheus gives
 * as `NaN` or `±Inf` (e.g. a quantile of no requests) are left out rather than drawn. Pure.
 */
export function seriesOf(
  result: MonitoringQueryResult,
  legend: Panel['queries'][number]['legend'],
): Series[] {
  const name = typeof legend === 'string' ? () => legend : legend;
  return result.result
    .map((s) => ({
      name: name(s.metric),
      points: (s.values ?? (s.value ? [s.value] : []))
        .map(([t, v]) => ({ t: t * 1000, v: Number(v) }))
        .filter((p) => Number.isFinite(p.v)),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
